namespace IoTFireAlert.Mqtt.Packets;

/// <summary>A decoded PUBACK/PUBREC/PUBREL/PUBCOMP: what the client needs, no allocation.</summary>
public readonly record struct MqttAckView(MqttPacketType Type, ushort PacketId, MqttReasonCode ReasonCode);
