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
    /// Queued write calls (about one per MQTT message, ~1 KiB each); a write waits while this many are
    /// queued, and with it the pipeline partition that made it and every message behind it, alarms
    /// included. Deep enough to ride out the writer's pauses (with 4,096 calls and a stage moved whole the
    /// partitions stalled and alarms came up to 0.9-1.7 s late at 10,500-14,400 msg/s; a stage is now moved
    /// in slices of ~0.1 s), bounded so that a store that cannot keep up holds ingestion back instead of
    /// filling memory: 16,384 calls, ~16 MiB (kept for reuse once a backlog has allocated them), ~1 s at
    /// 16,000 msg/s. At 65,536 the calls a stalled store queued were fresh objects the collector promoted:
    /// a million devices peaked at 1,000-1,056 MiB RSS against 940-963 at 16,384 (bench/RESULTS.md).
    /// </summary>
    public int MaxPendingBatches { get; set; } = 16384;

    /// <summary>
    /// How long the writer lets rows gather after the first arrives at an idle queue before it commits
    /// them: each commit writes every page it touched (the stage's last pages, the tag sets, positions and
    /// alarm events with their indexes), so fewer, larger transactions write fewer pages. Rows become readable this much later; zero
    /// commits at once. A writer that is behind never waits: its transactions are large already.
    /// </summary>
    public TimeSpan CommitDelay { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// How long reports stay in the unindexed stage tables before they are moved, sorted by device,
    /// into <c>reading_row</c> (indexed by move, device and time). Inserted one by one into that index, nearly every
    /// report wrote an index page of its own once the index had outgrown the few pages a commit touches;
    /// moved together, a device's reports of the whole stage share one. A read scans the stage (at most this
    /// long, or <see cref="StageMaxRows"/> reports), so longer stages write less and read more.
    /// </summary>
    public TimeSpan StageInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Reports staged at most: a stage is moved early once it holds this many (a fast fleet fills it before <see cref="StageInterval"/>).</summary>
    public int StageMaxRows { get; set; } = 262_144;

    /// <summary>
    /// The writer thread's Linux nice value, 0 (as the rest of the server, the default) to 19: above 0 the
    /// store's work yields the CPU to the rest on a busy machine and catches up when it is idle, which only
    /// suits a store that needs little CPU. A store whose database has grown needs several times more a
    /// report: at nice 10 it fell seconds behind, its full queue holding up the partitions and the alarms
    /// behind them (bench/load/latency.sh at 12,000 msg/s after 3.6 million reports: alarm p99 4.3 s, the
    /// queue full 539 times; nice 0: 19 ms, never full).
    /// </summary>
    public int WriterNice { get; set; }

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

        if (StageInterval <= TimeSpan.Zero || StageInterval > TimeSpan.FromHours(1))
        {
            errors.Add($"Telemetry:Sqlite:StageInterval must be more than 0 and at most 1 hour (is {StageInterval}).");
        }

        if (StageMaxRows <= 0)
        {
            errors.Add($"Telemetry:Sqlite:StageMaxRows must be positive (is {StageMaxRows}).");
        }

        if (WriterNice is < 0 or > 19)
        {
            errors.Add($"Telemetry:Sqlite:WriterNice must be between 0 and 19 (is {WriterNice}).");
        }

        return errors;
    }
}
