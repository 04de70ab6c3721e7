using IoTFireAlert.Mqtt.V5;

namespace IoTFireAlert.Mqtt.Packets;

/// <summary>AUTH (MQTT 5 only, §3.15): enhanced authentication exchange.</summary>
public sealed class MqttAuthPacket : MqttPacket
{
    public override MqttPacketType Type => MqttPacketType.Auth;

    public MqttReasonCode ReasonCode { get; set; }
    public MqttProperties? Properties { get; set; }
}
