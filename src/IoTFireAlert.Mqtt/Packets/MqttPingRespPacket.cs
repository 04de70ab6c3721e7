namespace IoTFireAlert.Mqtt.Packets;

public sealed class MqttPingRespPacket : MqttPacket
{
    public override MqttPacketType Type => MqttPacketType.PingResp;
}
