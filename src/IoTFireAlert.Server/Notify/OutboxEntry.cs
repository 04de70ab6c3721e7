namespace IoTFireAlert.Server.Notify;

/// <summary>A committed push waiting for (or done with) delivery.</summary>
public sealed record OutboxEntry(long Id, long AlarmId, string Channel, string Target, string Body, string IdempotencyKey, long Attempts);
