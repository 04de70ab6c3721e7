namespace IoTFireAlert.Mqtt.Packets;

/// <summary>
/// A decoded control packet. These objects serve the packets off the hot path (CONNECT,
/// SUBSCRIBE, ...) and tests; PUBLISH and its acknowledgements travel as
/// <see cref="MqttPublishView"/> / <see cref="MqttAckView"/> without allocating.
/// </summary>
public abstract class MqttPacket
{
    public abstract MqttPacketType Type { get; }
}
