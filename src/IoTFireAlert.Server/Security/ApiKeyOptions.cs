namespace IoTFireAlert.Server.Security;

/// <summary>Configuration section "Security".</summary>
public sealed class SecurityOptions
{
    public List<ApiKeyEntry> ApiKeys { get; set; } = [];

    /// <summary>
    /// Demo mode accepts the sample key shipped in config/ (for ./run.sh on a laptop). Outside it,
    /// the server refuses to start with an empty, short or sample key.
    /// </summary>
    public bool Demo { get; set; }

    public string? Validate()
    {
        foreach (var entry in ApiKeys)
        {
            if (string.IsNullOrWhiteSpace(entry.Name))
            {
                return "Security:ApiKeys: every key needs a Name (it is who the audit log and timelines name)";
            }

            if (!Enum.TryParse<Role>(entry.Role, ignoreCase: true, out _))
            {
                return $"Security:ApiKeys '{entry.Name}': Role must be viewer, dispatcher or administrator";
            }

            if (!Demo && (string.IsNullOrEmpty(entry.Key) || entry.Key.Length < 24 || entry.Key.StartsWith("demo-", StringComparison.Ordinal)))
            {
                return $"Security:ApiKeys '{entry.Name}': the key is empty, shorter than 24 characters or a demo key; set a real secret (e.g. IOTFIRE_Security__ApiKeys__0__Key) or start with --demo";
            }
        }

        return null;
    }
}
