using IoTFireAlert.Mqtt.V5;

namespace IoTFireAlert.Mqtt.Packets;

/// <summary>SUBSCRIBE (5 §3.8).</summary>
public sealed class MqttSubscribePacket : MqttPacket
{
    public override MqttPacketType Type => MqttPacketType.Subscribe;

    public ushort PacketId { get; set; }
    public List<MqttSubscription> Subscriptions { get; set; } = [];
    public MqttProperties? Properties { get; set; }
}
