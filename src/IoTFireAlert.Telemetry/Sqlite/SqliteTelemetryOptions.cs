namespace IoTFireAlert.Telemetry.Sqlite;

/// <summary>The embedded store used when no InfluxDB is configured; bind from <c>Telemetry:Sqlite</c>.</summary>
public sealed class SqliteTelemetryOptions
{
    /// <summary>Database file; created with its folder if missing.</summary>
    public string Path { get; set; } = "data/telemetry.db";

    /// <summary>Rows older than this are deleted by the periodic sweep.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    public TimeSpan RetentionSweepInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Queued write calls (about one per MQTT message); a write waits while this many are queued. Deep
    /// enough that a WAL checkpoint's pause at tens of thousands of messages a second does not hold up
    /// the pipeline partitions (a queued call is a few hundred bytes).
    /// </summary>
    public int MaxPendingBatches { get; set; } = 4096;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Path))
        {
            errors.Add("Telemetry:Sqlite:Path is required.");
        }

        if (Retention <= TimeSpan.Zero)
        {
            errors.Add($"Telemetry:Sqlite:Retention must be positive (is {Retention}).");
        }

        if (RetentionSweepInterval <= TimeSpan.Zero)
        {
            errors.Add($"Telemetry:Sqlite:RetentionSweepInterval must be positive (is {RetentionSweepInterval}).");
        }

        if (MaxPendingBatches <= 0)
        {
            errors.Add($"Telemetry:Sqlite:MaxPendingBatches must be positive (is {MaxPendingBatches}).");
        }

        return errors;
    }
}
