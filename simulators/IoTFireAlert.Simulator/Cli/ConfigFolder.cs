namespace IoTFireAlert.Simulator.Cli;

/// <summary>
/// Finds the repository's config/ folder (decoders.json, rules.json, scenarios/): --config if given,
/// else the nearest config/ above the working directory, else above the simulator's own binary.
/// </summary>
public static class ConfigFolder
{
    public static string Find(string? given)
    {
        if (given is not null)
        {
            return File.Exists(Path.Combine(given, "decoders.json"))
                ? given
                : throw new DirectoryNotFoundException($"--config {given}: no decoders.json there");
        }

        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "config");
                if (File.Exists(Path.Combine(candidate, "decoders.json")))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException("config/decoders.json not found above the working directory; run from the repository or pass --config DIR");
    }
}
