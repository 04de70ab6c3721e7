namespace IoTFireAlert.Mqtt.Packets;

/// <summary>A decoded PUBLISH whose fields still point into the receive buffer.</summary>
public readonly ref struct MqttPublishView
{
    public MqttPublishView(byte flags, ReadOnlySpan<byte> topic, ushort packetId, ReadOnlySpan<byte> properties, ReadOnlySpan<byte> payload)
    {
        Flags = flags;
        Topic = topic;
        PacketId = packetId;
        Properties = properties;
        Payload = payload;
    }

    public byte Flags { get; }

    public ReadOnlySpan<byte> Topic { get; }

    public ushort PacketId { get; }

    /// <summary>The MQTT 5 property block (without its length); empty for 3.1.1.</summary>
    public ReadOnlySpan<byte> Properties { get; }

    public ReadOnlySpan<byte> Payload { get; }

    public MqttQualityOfService QoS => (MqttQualityOfService)((Flags >> 1) & 3);

    public bool Retain => (Flags & 1) != 0;

    public bool Dup => (Flags & 8) != 0;
}
