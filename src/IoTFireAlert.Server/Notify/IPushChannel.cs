namespace IoTFireAlert.Server.Notify;

/// <summary>One way of delivering a push ("mqtt", "webhook"). Returns null on success, else the reason it failed.</summary>
public interface IPushChannel
{
    string Name { get; }

    Task<string?> DeliverAsync(OutboxEntry entry, CancellationToken cancellationToken);
}
