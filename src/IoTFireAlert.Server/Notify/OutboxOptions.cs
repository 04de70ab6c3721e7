namespace IoTFireAlert.Server.Notify;

/// <summary>Configuration section "Outbox".</summary>
public sealed class OutboxOptions
{
    /// <summary>After this many failed attempts a push is given up and dead-lettered (the alarm stays visible in the console).</summary>
    public int MaxAttempts { get; set; } = 12;

    public int FirstRetrySeconds { get; set; } = 2;

    public int MaxRetrySeconds { get; set; } = 300;

    /// <summary>Most deliveries in flight at once; a hanging target occupies one slot, never all.</summary>
    public int Concurrency { get; set; } = 16;

    public int AttemptTimeoutSeconds { get; set; } = 10;

    public string? Validate() =>
        MaxAttempts < 1 ? "Outbox:MaxAttempts must be >= 1"
        : FirstRetrySeconds < 1 || MaxRetrySeconds < FirstRetrySeconds ? "Outbox: FirstRetrySeconds >= 1 and MaxRetrySeconds >= FirstRetrySeconds"
        : Concurrency is < 1 or > 1024 ? "Outbox:Concurrency must be within 1..1024"
        : AttemptTimeoutSeconds < 1 ? "Outbox:AttemptTimeoutSeconds must be >= 1"
        : null;
}
