namespace IoTFireAlert.Server.Hosting;

/// <summary>Configuration section "Storage".</summary>
public sealed class StorageOptions
{
    public string SqlitePath { get; set; } = ".data/iotfire.db";

    /// <summary>NORMAL survives a process crash; FULL also survives power loss.</summary>
    public string Synchronous { get; set; } = "NORMAL";

    public string? Validate() => string.IsNullOrWhiteSpace(SqlitePath) ? "Storage:SqlitePath is required" : null;
}
