using IoTFireAlert.Mqtt.V5;

namespace IoTFireAlert.Mqtt.Packets;

/// <summary>SUBACK: one reason code per filter; 3.1.1's 0/1/2/0x80 are the same numbers.</summary>
public sealed class MqttSubAckPacket : MqttPacket
{
    public override MqttPacketType Type => MqttPacketType.SubAck;

    public ushort PacketId { get; set; }
    public List<MqttReasonCode> ReasonCodes { get; set; } = [];
    public MqttProperties? Properties { get; set; }
}
