namespace IoTFireAlert.Dispatch.Tests.Webhooks;

/// <summary>
/// Webhook tests run alone: the CPU-bound property tests would otherwise hold both cores and the
/// thread pool, and a receiver's answer could miss a short attempt timeout.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WebhookCollection
{
    public const string Name = "webhooks";
}
