namespace IoTFireAlert.Server.Alarms;

/// <summary>A push to deliver after commit: channel "mqtt" (target = topic) or "webhook" (target = URL name).</summary>
public sealed record OutboxMessage(string Channel, string Target, string Body, string IdempotencyKey);
