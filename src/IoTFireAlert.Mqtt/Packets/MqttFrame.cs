namespace IoTFireAlert.Mqtt.Packets;

/// <summary>What the frame scanner found: the fixed header byte and where the body lies.</summary>
public readonly struct MqttFrame
{
    public MqttFrame(byte header, int headerLength, int bodyLength)
    {
        Header = header;
        HeaderLength = headerLength;
        BodyLength = bodyLength;
    }

    /// <summary>The first byte: packet type (high nibble) and flags (low nibble).</summary>
    public byte Header { get; }

    /// <summary>Fixed header length: 1 + the bytes of the Remaining Length (2..5).</summary>
    public int HeaderLength { get; }

    public int BodyLength { get; }

    public int TotalLength => HeaderLength + BodyLength;

    public MqttPacketType Type => (MqttPacketType)(Header >> 4);

    public byte Flags => (byte)(Header & 0x0F);
}
