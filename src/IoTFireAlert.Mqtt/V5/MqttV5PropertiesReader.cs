using System.Buffers.Binary;
using System.Text;
using IoTFireAlert.Mqtt.Packets;

namespace IoTFireAlert.Mqtt.V5;

/// <summary>
/// Walks a property block (the bytes after the Property Length) one property at a time
/// without allocating. Values come out as an integer or one/two byte spans depending on the
/// property's data type (§2.2.2.2). Strings are UTF-8 validated.
/// </summary>
public ref struct MqttV5PropertiesReader
{
    private MqttPacketReader _reader;

    public MqttV5PropertiesReader(ReadOnlySpan<byte> properties)
    {
        _reader = new MqttPacketReader(properties);
    }

    /// <summary>Reads the next property; false at the end of the block.</summary>
    /// <param name="id">The property identifier.</param>
    /// <param name="integer">Byte, two/four byte and variable byte integer values.</param>
    /// <param name="first">String or binary value, or a user property's name.</param>
    /// <param name="second">A user property's value.</param>
    public bool TryReadNext(out MqttPropertyId id, out uint integer, out ReadOnlySpan<byte> first, out ReadOnlySpan<byte> second)
    {
        integer = 0;
        first = default;
        second = default;
        if (_reader.End)
        {
            id = default;
            return false;
        }

        // The identifier is a Variable Byte Integer but every defined one fits in one byte.
        var raw = _reader.ReadVariableByteInteger();
        id = (MqttPropertyId)raw;
        switch (id)
        {
            case MqttPropertyId.PayloadFormatIndicator:
            case MqttPropertyId.RequestProblemInformation:
            case MqttPropertyId.RequestResponseInformation:
            case MqttPropertyId.MaximumQoS:
            case MqttPropertyId.RetainAvailable:
            case MqttPropertyId.WildcardSubscriptionAvailable:
            case MqttPropertyId.SubscriptionIdentifierAvailable:
            case MqttPropertyId.SharedSubscriptionAvailable:
                integer = _reader.ReadByte();
                break;
            case MqttPropertyId.ServerKeepAlive:
            case MqttPropertyId.ReceiveMaximum:
            case MqttPropertyId.TopicAliasMaximum:
            case MqttPropertyId.TopicAlias:
                integer = _reader.ReadUInt16();
                break;
            case MqttPropertyId.MessageExpiryInterval:
            case MqttPropertyId.SessionExpiryInterval:
            case MqttPropertyId.WillDelayInterval:
            case MqttPropertyId.MaximumPacketSize:
                integer = _reader.ReadUInt32();
                break;
            case MqttPropertyId.SubscriptionIdentifier:
                integer = (uint)_reader.ReadVariableByteInteger();
                break;
            case MqttPropertyId.ContentType:
            case MqttPropertyId.ResponseTopic:
            case MqttPropertyId.AssignedClientIdentifier:
            case MqttPropertyId.AuthenticationMethod:
            case MqttPropertyId.ResponseInformation:
            case MqttPropertyId.ServerReference:
            case MqttPropertyId.ReasonString:
                first = _reader.ReadUtf8();
                break;
            case MqttPropertyId.CorrelationData:
            case MqttPropertyId.AuthenticationData:
                first = _reader.ReadBinary();
                break;
            case MqttPropertyId.UserProperty:
                first = _reader.ReadUtf8();
                second = _reader.ReadUtf8();
                break;
            default:
                throw new MqttProtocolException($"Unknown property identifier 0x{raw:X2} (§2.2.2.2).", MqttReasonCode.MalformedPacket);
        }

        return true;
    }

    /// <summary>Materialises a block, checking which properties the packet may carry and that none repeats.</summary>
    /// <param name="block">The properties after their Property Length.</param>
    /// <param name="packetType">The packet the block belongs to; 0 for the will properties of CONNECT.</param>
    public static MqttProperties? Read(ReadOnlySpan<byte> block, int packetType)
    {
        if (block.IsEmpty)
        {
            return null;
        }

        var properties = new MqttProperties();
        var seen = 0UL;
        var reader = new MqttV5PropertiesReader(block);
        while (reader.TryReadNext(out var id, out var integer, out var first, out var second))
        {
            if (!MqttV5PropertyRules.IsAllowed(id, packetType))
            {
                throw new MqttProtocolException($"Property {id} is not allowed in packet type {packetType} (§2.2.2.2).", MqttReasonCode.ProtocolError);
            }

            if (id is not MqttPropertyId.UserProperty and not MqttPropertyId.SubscriptionIdentifier)
            {
                var bit = 1UL << (int)id;
                if ((seen & bit) != 0)
                {
                    throw new MqttProtocolException($"Property {id} appears twice (§2.2.2.2).", MqttReasonCode.ProtocolError);
                }

                seen |= bit;
            }

            Assign(properties, id, integer, first, second);
        }

        return properties;
    }

    private static void Assign(MqttProperties p, MqttPropertyId id, uint integer, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        switch (id)
        {
            case MqttPropertyId.PayloadFormatIndicator: p.PayloadFormatIndicator = (byte)integer; break;
            case MqttPropertyId.MessageExpiryInterval: p.MessageExpiryInterval = integer; break;
            case MqttPropertyId.ContentType: p.ContentType = Encoding.UTF8.GetString(first); break;
            case MqttPropertyId.ResponseTopic: p.ResponseTopic = Encoding.UTF8.GetString(first); break;
            case MqttPropertyId.CorrelationData: p.CorrelationData = first.ToArray(); break;
            case MqttPropertyId.SubscriptionIdentifier:
                if (integer == 0)
                {
                    throw new MqttProtocolException("Subscription Identifier 0 (§3.8.2.1.2).", MqttReasonCode.ProtocolError);
                }

                (p.SubscriptionIdentifiers ??= []).Add((int)integer);
                break;
            case MqttPropertyId.SessionExpiryInterval: p.SessionExpiryInterval = integer; break;
            case MqttPropertyId.AssignedClientIdentifier: p.AssignedClientIdentifier = Encoding.UTF8.GetString(first); break;
            case MqttPropertyId.ServerKeepAlive: p.ServerKeepAlive = (ushort)integer; break;
            case MqttPropertyId.AuthenticationMethod: p.AuthenticationMethod = Encoding.UTF8.GetString(first); break;
            case MqttPropertyId.AuthenticationData: p.AuthenticationData = first.ToArray(); break;
            case MqttPropertyId.RequestProblemInformation: p.RequestProblemInformation = (byte)integer; break;
            case MqttPropertyId.WillDelayInterval: p.WillDelayInterval = integer; break;
            case MqttPropertyId.RequestResponseInformation: p.RequestResponseInformation = (byte)integer; break;
            case MqttPropertyId.ResponseInformation: p.ResponseInformation = Encoding.UTF8.GetString(first); break;
            case MqttPropertyId.ServerReference: p.ServerReference = Encoding.UTF8.GetString(first); break;
            case MqttPropertyId.ReasonString: p.ReasonString = Encoding.UTF8.GetString(first); break;
            case MqttPropertyId.ReceiveMaximum:
                if (integer == 0)
                {
                    throw new MqttProtocolException("Receive Maximum 0 (§3.2.2.3.3).", MqttReasonCode.ProtocolError);
                }

                p.ReceiveMaximum = (ushort)integer;
                break;
            case MqttPropertyId.TopicAliasMaximum: p.TopicAliasMaximum = (ushort)integer; break;
            case MqttPropertyId.TopicAlias: p.TopicAlias = (ushort)integer; break;
            case MqttPropertyId.MaximumQoS: p.MaximumQoS = (byte)integer; break;
            case MqttPropertyId.RetainAvailable: p.RetainAvailable = (byte)integer; break;
            case MqttPropertyId.UserProperty:
                (p.UserProperties ??= []).Add(new MqttUserProperty(Encoding.UTF8.GetString(first), Encoding.UTF8.GetString(second)));
                break;
            case MqttPropertyId.MaximumPacketSize:
                if (integer == 0)
                {
                    throw new MqttProtocolException("Maximum Packet Size 0 (§3.2.2.3.6).", MqttReasonCode.ProtocolError);
                }

                p.MaximumPacketSize = integer;
                break;
            case MqttPropertyId.WildcardSubscriptionAvailable: p.WildcardSubscriptionAvailable = (byte)integer; break;
            case MqttPropertyId.SubscriptionIdentifierAvailable: p.SubscriptionIdentifierAvailable = (byte)integer; break;
            case MqttPropertyId.SharedSubscriptionAvailable: p.SharedSubscriptionAvailable = (byte)integer; break;
            default: break;
        }
    }

    /// <summary>Reads a Property Length and the block it announces from a packet reader.</summary>
    public static ReadOnlySpan<byte> ReadBlock(ref MqttPacketReader reader)
    {
        var length = reader.ReadVariableByteInteger();
        return reader.ReadBytes(length);
    }

    internal static uint ReadUInt32(ReadOnlySpan<byte> span) => BinaryPrimitives.ReadUInt32BigEndian(span);
}
