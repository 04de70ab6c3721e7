using IoTFireAlert.Mqtt;

namespace IoTFireAlert.Server.Pipeline;

/// <summary>A topic outside the device contract that the server also listens to (fleet positions, station acknowledgements).</summary>
public interface ITopicHandler
{
    /// <summary>The subscription filter, e.g. <c>fleet/+/pos</c>.</summary>
    string Filter { get; }

    /// <summary>True to subscribe through the shared group (work split between instances); false when every instance needs every message.</summary>
    bool SharedFilter { get; }

    bool Matches(ReadOnlySpan<byte> topic);

    /// <summary>Handles one message; the ingress acknowledges and releases it afterwards.</summary>
    ValueTask HandleAsync(MqttInboundMessage message, CancellationToken cancellationToken);
}
