using IoTFireAlert.Mqtt.V5;

namespace IoTFireAlert.Mqtt.Packets;

public sealed class MqttUnsubscribePacket : MqttPacket
{
    public override MqttPacketType Type => MqttPacketType.Unsubscribe;

    public ushort PacketId { get; set; }
    public List<string> Filters { get; set; } = [];
    public MqttProperties? Properties { get; set; }
}
