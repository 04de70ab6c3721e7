namespace IoTFireAlert.Mqtt.Packets;

public sealed class MqttPubRelPacket : MqttAcknowledgementPacket
{
    public override MqttPacketType Type => MqttPacketType.PubRel;
}
