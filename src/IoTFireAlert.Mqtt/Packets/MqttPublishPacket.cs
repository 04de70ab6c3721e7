using IoTFireAlert.Mqtt.V5;

namespace IoTFireAlert.Mqtt.Packets;

/// <summary>PUBLISH as an object (tests, tools). The client's hot path uses <see cref="MqttPublishView"/>.</summary>
public sealed class MqttPublishPacket : MqttPacket
{
    public override MqttPacketType Type => MqttPacketType.Publish;

    public string Topic { get; set; } = "";
    public byte[] Payload { get; set; } = [];
    public MqttQualityOfService QoS { get; set; }
    public bool Retain { get; set; }
    public bool Dup { get; set; }
    public ushort PacketId { get; set; }
    public MqttProperties? Properties { get; set; }
}
