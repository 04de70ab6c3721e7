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

    /// <summary>
    /// How long the writer lets rows gather after the first arrives at an idle queue before it commits
    /// them: each commit writes every page it touched (a report's index page is rarely shared with another
    /// report's), so fewer, larger transactions write fewer pages. Rows become readable this much later; zero
    /// commits at once. A writer that is behind never waits: its transactions are large already.
    /// </summary>
    public TimeSpan CommitDelay { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// The writer thread's Linux nice value, 0 (as the rest of the server) to 19: above 0 the store's work
    /// yields the CPU to the alarm path on a busy machine and catches up when it is idle; a store that
    /// falls behind still holds ingestion back through its queue.
    /// </summary>
    public int WriterNice { get; set; } = 10;

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

        if (CommitDelay < TimeSpan.Zero || CommitDelay > TimeSpan.FromSeconds(1))
        {
            errors.Add($"Telemetry:Sqlite:CommitDelay must be between 0 and 1 s (is {CommitDelay}).");
        }

        if (WriterNice is < 0 or > 19)
        {
            errors.Add($"Telemetry:Sqlite:WriterNice must be between 0 and 19 (is {WriterNice}).");
        }

        return errors;
    }
}
