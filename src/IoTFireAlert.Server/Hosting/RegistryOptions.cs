namespace IoTFireAlert.Server.Hosting;

/// <summary>Configuration section "Registry": where the device list, rules and decoder map come from.</summary>
public sealed class RegistryOptions
{
    /// <summary>Imported at start when the device table is empty (CSV or JSON); null for none.</summary>
    public string? DevicesFile { get; set; }

    public string RulesFile { get; set; } = "config/rules.json";

    public string DecodersFile { get; set; } = "config/decoders.json";

    public string? Validate(string contentRoot)
    {
        foreach (var (name, path) in new[] { ("RulesFile", RulesFile), ("DecodersFile", DecodersFile), ("DevicesFile", DevicesFile) })
        {
            if (path is not null && !File.Exists(Path.Combine(contentRoot, path)))
            {
                return $"Registry:{name} '{path}' does not exist (relative paths are from {contentRoot})";
            }
        }

        return null;
    }
}
