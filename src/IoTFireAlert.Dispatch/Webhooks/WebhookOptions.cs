namespace IoTFireAlert.Dispatch.Webhooks;

/// <summary>
/// Delivery policy. Attempts are spaced by exponential back-off with jitter (Polly's decorrelated
/// jitter from <see cref="BaseDelay"/>, capped at <see cref="MaxDelay"/>); each attempt is cut off
/// after <see cref="AttemptTimeout"/>. Network errors, timeouts, 408, 429 and 5xx are retried; any
/// other 4xx is final (the receiver rejected the message: retrying the same bytes cannot help).
/// </summary>
public sealed record WebhookOptions
{
    public int MaxAttempts { get; init; } = 6;

    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMinutes(1);

    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
