using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace IoTFireAlert.Mqtt.Packets;

/// <summary>
/// Reads the fields of one packet body (a complete frame, already scanned). Every read
/// checks bounds and throws <see cref="MqttProtocolException"/>: a truncated field is
/// a malformed packet (§4.13), never an index exception.
/// </summary>
public ref struct MqttPacketReader
{
    private readonly ReadOnlySpan<byte> _buffer;
    private int _position;

    public MqttPacketReader(ReadOnlySpan<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    public readonly int Position => _position;

    public readonly int Remaining => _buffer.Length - _position;

    public readonly bool End => _position >= _buffer.Length;

    public byte ReadByte()
    {
        if (_position >= _buffer.Length)
        {
            throw Truncated();
        }

        return _buffer[_position++];
    }

    public ushort ReadUInt16()
    {
        if (Remaining < 2)
        {
            throw Truncated();
        }

        var value = BinaryPrimitives.ReadUInt16BigEndian(_buffer[_position..]);
        _position += 2;
        return value;
    }

    public uint ReadUInt32()
    {
        if (Remaining < 4)
        {
            throw Truncated();
        }

        var value = BinaryPrimitives.ReadUInt32BigEndian(_buffer[_position..]);
        _position += 4;
        return value;
    }

    /// <summary>Variable Byte Integer (§1.5.5): at most 4 bytes.</summary>
    public int ReadVariableByteInteger()
    {
        var value = 0;
        var multiplier = 1;
        for (var i = 0; i < 4; i++)
        {
            var b = ReadByte();
            value += (b & 0x7F) * multiplier;
            if ((b & 0x80) == 0)
            {
                return value;
            }

            multiplier <<= 7;
        }

        throw new MqttProtocolException("Variable Byte Integer longer than 4 bytes (§1.5.5).");
    }

    /// <summary>Binary Data (§1.5.6): two-byte length then bytes.</summary>
    public ReadOnlySpan<byte> ReadBinary()
    {
        var length = ReadUInt16();
        return ReadBytes(length);
    }

    /// <summary>UTF-8 Encoded String (§1.5.4) as validated bytes: well-formed, no U+0000.</summary>
    public ReadOnlySpan<byte> ReadUtf8()
    {
        var bytes = ReadBinary();
        Validate(bytes);
        return bytes;
    }

    public string ReadString() => Encoding.UTF8.GetString(ReadUtf8());

    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (count < 0 || Remaining < count)
        {
            throw Truncated();
        }

        var span = _buffer.Slice(_position, count);
        _position += count;
        return span;
    }

    public ReadOnlySpan<byte> ReadToEnd()
    {
        var span = _buffer[_position..];
        _position = _buffer.Length;
        return span;
    }

    public static void Validate(ReadOnlySpan<byte> utf8)
    {
        if (!Utf8.IsValid(utf8) || utf8.Contains((byte)0))
        {
            throw new MqttProtocolException("Invalid UTF-8 string (§1.5.4).", MqttReasonCode.MalformedPacket);
        }
    }

    private static MqttProtocolException Truncated() => new("Packet ends inside a field (§4.13).", MqttReasonCode.MalformedPacket);
}
