using IoTFireAlert.Mqtt.V5;

namespace IoTFireAlert.Mqtt.Packets;

/// <summary>DISCONNECT; reason code and properties are MQTT 5 only, and may come from the broker.</summary>
public sealed class MqttDisconnectPacket : MqttPacket
{
    public override MqttPacketType Type => MqttPacketType.Disconnect;

    public MqttReasonCode ReasonCode { get; set; }
    public MqttProperties? Properties { get; set; }
}
