namespace IoTFireAlert.Dispatch.Webhooks;

/// <summary>
/// What one delivery did, for the delivery log: dead-letter when <see cref="Delivered"/> is false.
/// <see cref="LastStatusCode"/> is null when no attempt got a response (refused, timed out).
/// </summary>
public sealed record WebhookDeliveryResult(bool Delivered, int Attempts, int? LastStatusCode, string? LastError, TimeSpan Elapsed);
