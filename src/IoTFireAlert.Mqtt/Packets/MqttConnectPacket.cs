using IoTFireAlert.Mqtt.V5;

namespace IoTFireAlert.Mqtt.Packets;

/// <summary>CONNECT (3.1.1 §3.1, 5 §3.1).</summary>
public sealed class MqttConnectPacket : MqttPacket
{
    public override MqttPacketType Type => MqttPacketType.Connect;

    public MqttProtocolVersion ProtocolVersion { get; set; } = MqttProtocolVersion.V500;
    public string ClientId { get; set; } = "";
    public bool CleanStart { get; set; } = true;
    public ushort KeepAliveSeconds { get; set; }
    public string? Username { get; set; }
    public byte[]? Password { get; set; }
    public string? WillTopic { get; set; }
    public byte[]? WillPayload { get; set; }
    public MqttQualityOfService WillQoS { get; set; }
    public bool WillRetain { get; set; }
    public MqttProperties? WillProperties { get; set; }
    public MqttProperties? Properties { get; set; }
}
