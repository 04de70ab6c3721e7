namespace IoTFireAlert.Mqtt.Packets;

public sealed class MqttPingReqPacket : MqttPacket
{
    public override MqttPacketType Type => MqttPacketType.PingReq;
}
