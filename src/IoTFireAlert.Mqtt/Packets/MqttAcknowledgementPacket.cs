using IoTFireAlert.Mqtt.V5;

namespace IoTFireAlert.Mqtt.Packets;

/// <summary>The shared shape of PUBACK, PUBREC, PUBREL and PUBCOMP (5 §3.4-§3.7).</summary>
public abstract class MqttAcknowledgementPacket : MqttPacket
{
    public ushort PacketId { get; set; }
    public MqttReasonCode ReasonCode { get; set; }
    public MqttProperties? Properties { get; set; }

    public static MqttAcknowledgementPacket Create(MqttPacketType type) => type switch
    {
        MqttPacketType.PubAck => new MqttPubAckPacket(),
        MqttPacketType.PubRec => new MqttPubRecPacket(),
        MqttPacketType.PubRel => new MqttPubRelPacket(),
        MqttPacketType.PubComp => new MqttPubCompPacket(),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}
