using System.Text;
using IoTFireAlert.Mqtt.V5;

namespace IoTFireAlert.Mqtt;

/// <summary>
/// A received PUBLISH. Topic, MQTT 5 properties and payload live in one pooled buffer:
/// call <see cref="Dispose"/> (or <see cref="MqttClient.Release"/>) when done, and do not
/// touch the spans afterwards. Disposing twice is harmless. QoS 1/2 messages are
/// acknowledged only through <see cref="MqttClient.Acknowledge"/> (before or after Dispose).
/// </summary>
public readonly struct MqttInboundMessage : IDisposable
{
    private readonly MqttPooledBuffer? _buffer;
    private readonly MqttPayloadPool? _pool;
    private readonly int _version;
    private readonly int _topicLength;
    private readonly int _propertiesLength;
    private readonly int _payloadLength;
    private readonly byte _flags;

    internal MqttInboundMessage(MqttPayloadPool pool, MqttPooledBuffer buffer, int topicLength, int propertiesLength, int payloadLength, byte flags, ushort packetId, int generation, long sequence)
    {
        _pool = pool;
        _buffer = buffer;
        _version = buffer.Version;
        _topicLength = topicLength;
        _propertiesLength = propertiesLength;
        _payloadLength = payloadLength;
        _flags = flags;
        PacketId = packetId;
        Generation = generation;
        Sequence = sequence;
    }

    public ReadOnlySpan<byte> TopicUtf8 => _buffer is null ? default : _buffer.Array.AsSpan(0, _topicLength);

    public ReadOnlyMemory<byte> TopicMemory => _buffer is null ? default : _buffer.Array.AsMemory(0, _topicLength);

    /// <summary>Allocates a string; prefer <see cref="TopicUtf8"/> on hot paths.</summary>
    public string Topic => Encoding.UTF8.GetString(TopicUtf8);

    public ReadOnlyMemory<byte> Payload => _buffer is null ? default : _buffer.Array.AsMemory(_topicLength + _propertiesLength, _payloadLength);

    public ReadOnlySpan<byte> PayloadSpan => Payload.Span;

    /// <summary>The raw MQTT 5 property block (empty for 3.1.1); parse with <see cref="MqttV5PropertiesReader"/>.</summary>
    public ReadOnlySpan<byte> PropertiesUtf8 => _buffer is null ? default : _buffer.Array.AsSpan(_topicLength, _propertiesLength);

    public MqttQualityOfService QoS => (MqttQualityOfService)((_flags >> 1) & 3);

    public bool Retain => (_flags & 1) != 0;

    /// <summary>The broker may have delivered this before (redelivery after a reconnect, §4.4).</summary>
    public bool Dup => (_flags & 8) != 0;

    public ushort PacketId { get; }

    /// <summary>The connection this arrived on; acknowledgements for an earlier connection are dropped.</summary>
    public int Generation { get; }

    /// <summary>Receive order within the client, the acknowledgement token; -1 for QoS 0.</summary>
    public long Sequence { get; }

    /// <summary>MQTT 5 Message Expiry Interval left, if the broker sent one.</summary>
    public uint? MessageExpirySeconds
    {
        get
        {
            var reader = new MqttV5PropertiesReader(PropertiesUtf8);
            while (reader.TryReadNext(out var id, out var integer, out _, out _))
            {
                if (id == MqttPropertyId.MessageExpiryInterval)
                {
                    return integer;
                }
            }

            return null;
        }
    }

    /// <summary>First user property named <paramref name="name"/> without allocating.</summary>
    public bool TryGetUserProperty(ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        var reader = new MqttV5PropertiesReader(PropertiesUtf8);
        while (reader.TryReadNext(out var id, out _, out var first, out var second))
        {
            if (id == MqttPropertyId.UserProperty && first.SequenceEqual(name))
            {
                value = second;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>All user properties, parsed on demand (allocates).</summary>
    public IReadOnlyList<MqttUserProperty> GetUserProperties()
    {
        List<MqttUserProperty>? list = null;
        var reader = new MqttV5PropertiesReader(PropertiesUtf8);
        while (reader.TryReadNext(out var id, out _, out var first, out var second))
        {
            if (id == MqttPropertyId.UserProperty)
            {
                (list ??= []).Add(new MqttUserProperty(Encoding.UTF8.GetString(first), Encoding.UTF8.GetString(second)));
            }
        }

        return list ?? (IReadOnlyList<MqttUserProperty>)[];
    }

    public void Dispose()
    {
        if (_buffer is not null)
        {
            _pool!.Return(_buffer, _version);
        }
    }
}
