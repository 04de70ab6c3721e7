using System.Text.Json;
using System.Text.Json.Serialization;

namespace IoTFireAlert.Simulator.Scenarios;

/// <summary>
/// A scenario file (config/scenarios/NAME.json; format in docs/simulator.md): which devices take
/// part, named by role and picked from the devices file, and what they send when. Times are seconds
/// from the scenario's start, which is <see cref="StartAfterSeconds"/> into the run.
/// </summary>
public sealed class ScenarioDefinition
{
    public required string Name { get; init; }
    public string? Description { get; init; }
    public double StartAfterSeconds { get; init; } = 2;
    public SiteChoice? Site { get; init; }
    public Dictionary<string, RoleDefinition> Roles { get; init; } = [];
    public List<StepDefinition> Steps { get; init; } = [];

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static ScenarioDefinition Parse(string json, string source)
    {
        try
        {
            var definition = JsonSerializer.Deserialize<ScenarioDefinition>(json, s_json) ?? throw new FormatException($"{source}: empty");
            foreach (var step in definition.Steps)
            {
                if (step.Role is not null && !definition.Roles.ContainsKey(step.Role))
                {
                    throw new FormatException($"{source}: a step names role '{step.Role}', which is not under \"roles\"");
                }
            }

            return definition;
        }
        catch (JsonException e)
        {
            throw new FormatException($"{source}: {e.Message}", e);
        }
    }

    /// <summary>A name finds config/scenarios/NAME.json; anything with a slash or ending in .json is a path.</summary>
    public static ScenarioDefinition Load(string nameOrPath, string configDirectory)
    {
        var path = nameOrPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || nameOrPath.Contains('/', StringComparison.Ordinal)
            ? nameOrPath
            : Path.Combine(configDirectory, "scenarios", nameOrPath + ".json");
        if (!File.Exists(path))
        {
            var known = Directory.Exists(Path.Combine(configDirectory, "scenarios"))
                ? string.Join(", ", Directory.GetFiles(Path.Combine(configDirectory, "scenarios"), "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal))
                : "none";
            throw new FileNotFoundException($"scenario '{nameOrPath}' not found ({path}); known: {known}");
        }

        return Parse(File.ReadAllText(path), path);
    }
}
