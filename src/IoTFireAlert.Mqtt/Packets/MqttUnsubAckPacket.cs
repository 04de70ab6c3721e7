using IoTFireAlert.Mqtt.V5;

namespace IoTFireAlert.Mqtt.Packets;

/// <summary>UNSUBACK: reason codes exist only in MQTT 5 (3.1.1 carries the packet id alone).</summary>
public sealed class MqttUnsubAckPacket : MqttPacket
{
    public override MqttPacketType Type => MqttPacketType.UnsubAck;

    public ushort PacketId { get; set; }
    public List<MqttReasonCode> ReasonCodes { get; set; } = [];
    public MqttProperties? Properties { get; set; }
}
