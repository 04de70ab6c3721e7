namespace IoTFireAlert.Mqtt.Packets;

public sealed class MqttPubAckPacket : MqttAcknowledgementPacket
{
    public override MqttPacketType Type => MqttPacketType.PubAck;
}
