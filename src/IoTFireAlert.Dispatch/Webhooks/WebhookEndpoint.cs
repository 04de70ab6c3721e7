namespace IoTFireAlert.Dispatch.Webhooks;

/// <summary>Where to post and the shared secret the receiver verifies with.</summary>
public sealed record WebhookEndpoint(Uri Url, string Secret);
