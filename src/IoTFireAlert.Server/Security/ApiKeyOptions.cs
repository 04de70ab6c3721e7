namespace IoTFireAlert.Server.Security;

/// <summary>Configuration section "Security".</summary>
public sealed class SecurityOptions
{
    public List<ApiKeyEntry> ApiKeys { get; set; } = [];

    public List<UserEntry> Users { get; set; } = [];

    /// <summary>How long a console login lasts without use.</summary>
    public int SessionMinutes { get; set; } = 720;

    /// <summary>Login attempts allowed per client address per minute; more answer 429.</summary>
    public int LoginAttemptsPerMinute { get; set; } = 5;

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

        foreach (var user in Users)
        {
            if (string.IsNullOrWhiteSpace(user.Name) || !Enum.TryParse<Role>(user.Role, ignoreCase: true, out _))
            {
                return $"Security:Users '{user.Name}': a Name and a Role (viewer, dispatcher, administrator) are required";
            }

            if (!PasswordHashes.LooksValid(user.PasswordHash))
            {
                return $"Security:Users '{user.Name}': PasswordHash must be a hash from 'IoTFireAlert.Server hash-password', not a password";
            }
        }

        return SessionMinutes < 1 || LoginAttemptsPerMinute < 1 ? "Security: SessionMinutes and LoginAttemptsPerMinute must be >= 1" : null;
    }
}
