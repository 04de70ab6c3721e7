namespace IoTFireAlert.Telemetry.InfluxDb;

/// <summary>Counters for <c>/metrics</c>. Updated by the writer's one send task; read from any thread.</summary>
public sealed class InfluxDbWriterMetrics
{
    private long _linesWritten;
    private long _batchesWritten;
    private long _retries;
    private long _linesSpilled;
    private long _linesReplayed;
    private long _linesDeadLettered;
    private long _spillBacklogBytes;
    private long _linesAccepted;

    /// <summary>Lines the server acknowledged (2xx), including replayed ones.</summary>
    public long LinesWritten => Volatile.Read(ref _linesWritten);

    /// <summary>Requests the server acknowledged.</summary>
    public long BatchesWritten => Volatile.Read(ref _batchesWritten);

    /// <summary>Retried requests (429, 5xx, timeouts, connection errors).</summary>
    public long Retries => Volatile.Read(ref _retries);

    /// <summary>Lines appended to the disk spill.</summary>
    public long LinesSpilled => Volatile.Read(ref _linesSpilled);

    /// <summary>Spilled lines later delivered.</summary>
    public long LinesReplayed => Volatile.Read(ref _linesReplayed);

    /// <summary>Lines refused by the server and handed to the dead-letter callback.</summary>
    public long LinesDeadLettered => Volatile.Read(ref _linesDeadLettered);

    /// <summary>Bytes in the spill not yet replayed.</summary>
    public long SpillBacklogBytes => Volatile.Read(ref _spillBacklogBytes);

    /// <summary>Lines callers handed to the writer.</summary>
    public long LinesAccepted => Volatile.Read(ref _linesAccepted);

    /// <summary>The last failure (status and message, or exception), for an operator; null after a success.</summary>
    public string? LastError { get; internal set; }

    internal void AddWritten(int lines)
    {
        Interlocked.Add(ref _linesWritten, lines);
        Interlocked.Increment(ref _batchesWritten);
    }

    internal void AddRetry() => Interlocked.Increment(ref _retries);

    internal void AddSpilled(int lines) => Interlocked.Add(ref _linesSpilled, lines);

    internal void AddReplayed(int lines) => Interlocked.Add(ref _linesReplayed, lines);

    internal void AddDeadLettered(int lines) => Interlocked.Add(ref _linesDeadLettered, lines);

    internal void AddAccepted(int lines) => Interlocked.Add(ref _linesAccepted, lines);

    internal void SetSpillBacklog(long bytes) => Volatile.Write(ref _spillBacklogBytes, bytes);
}
