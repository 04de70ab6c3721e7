using System.Buffers.Binary;
using System.Text;

namespace IoTFireAlert.Mqtt.Packets;

/// <summary>
/// Writes fields into a span the encoder sized exactly beforehand (size first, then write:
/// one <c>GetSpan</c>/<c>Advance</c> per packet on the pipe).
/// </summary>
public ref struct MqttPacketWriter
{
    private readonly Span<byte> _buffer;
    private int _position;

    public MqttPacketWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    public readonly int Position => _position;

    public void WriteByte(byte value) => _buffer[_position++] = value;

    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[_position..], value);
        _position += 2;
    }

    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_buffer[_position..], value);
        _position += 4;
    }

    public void WriteVariableByteInteger(int value)
    {
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            if (value > 0)
            {
                b |= 0x80;
            }

            _buffer[_position++] = b;
        }
        while (value > 0);
    }

    public void WriteBinary(ReadOnlySpan<byte> value)
    {
        WriteUInt16((ushort)value.Length);
        WriteBytes(value);
    }

    public void WriteString(string value)
    {
        var length = Encoding.UTF8.GetBytes(value, _buffer[(_position + 2)..]);
        WriteUInt16((ushort)length);
        _position += length;
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        value.CopyTo(_buffer[_position..]);
        _position += value.Length;
    }

    /// <summary>Fixed header: type/flags byte and Remaining Length.</summary>
    public void WriteFixedHeader(MqttPacketType type, byte flags, int remainingLength)
    {
        WriteByte((byte)(((byte)type << 4) | flags));
        WriteVariableByteInteger(remainingLength);
    }

    public static int VariableByteIntegerSize(int value) => value switch
    {
        < 128 => 1,
        < 16_384 => 2,
        < 2_097_152 => 3,
        _ => 4,
    };

    /// <summary>Size of a two-byte-prefixed UTF-8 string; throws when it exceeds 65,535 bytes (§1.5.4).</summary>
    public static int StringSize(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        if (length > ushort.MaxValue)
        {
            throw new ArgumentException("An MQTT string holds at most 65,535 bytes.", nameof(value));
        }

        return 2 + length;
    }

    public static int BinarySize(ReadOnlySpan<byte> value)
    {
        if (value.Length > ushort.MaxValue)
        {
            throw new ArgumentException("MQTT binary data holds at most 65,535 bytes.", nameof(value));
        }

        return 2 + value.Length;
    }

    /// <summary>Whole packet size from its Remaining Length.</summary>
    public static int PacketSize(int remainingLength)
    {
        if (remainingLength > MqttFrameScanner.MaxRemainingLength)
        {
            throw new MqttProtocolException("Packet exceeds the largest Remaining Length (§1.5.5).", MqttReasonCode.PacketTooLarge);
        }

        return 1 + VariableByteIntegerSize(remainingLength) + remainingLength;
    }
}
