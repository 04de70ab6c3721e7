namespace IoTFireAlert.Mqtt.Packets;

/// <summary>Checks that apply to both protocol levels: reserved flags, topic names, packet ids.</summary>
internal static class MqttFixedHeaderRules
{
    /// <summary>Reserved flag bits (§2.1.3): 0b0010 for PUBREL/SUBSCRIBE/UNSUBSCRIBE, 0 elsewhere except PUBLISH.</summary>
    public static void CheckFlags(byte header)
    {
        var type = (MqttPacketType)(header >> 4);
        var flags = header & 0x0F;
        var expected = type switch
        {
            MqttPacketType.Publish => -1,
            MqttPacketType.PubRel or MqttPacketType.Subscribe or MqttPacketType.Unsubscribe => 2,
            _ => 0,
        };
        if (expected >= 0 && flags != expected)
        {
            throw new MqttProtocolException($"Invalid fixed header flags 0x{flags:X} for {type} (§2.1.3).", MqttReasonCode.MalformedPacket);
        }

        if (type == MqttPacketType.Publish)
        {
            var qos = (flags >> 1) & 3;
            if (qos == 3)
            {
                throw new MqttProtocolException("PUBLISH with QoS 3 (§3.3.1.2).", MqttReasonCode.MalformedPacket);
            }

            if (qos == 0 && (flags & 8) != 0)
            {
                throw new MqttProtocolException("PUBLISH with DUP set at QoS 0 (§3.3.1.1).", MqttReasonCode.MalformedPacket);
            }
        }
    }

    /// <summary>A topic name must not hold wildcards (§4.7.1).</summary>
    public static void CheckTopicName(ReadOnlySpan<byte> topic)
    {
        MqttPacketReader.Validate(topic);
        if (topic.IndexOfAny((byte)'+', (byte)'#') >= 0)
        {
            throw new MqttProtocolException("Wildcard in a PUBLISH topic name (§4.7.1).", MqttReasonCode.TopicNameInvalid);
        }
    }

    public static ushort ReadPacketId(ref MqttPacketReader reader)
    {
        var id = reader.ReadUInt16();
        if (id == 0)
        {
            throw new MqttProtocolException("Packet Identifier 0 (§2.2.1).", MqttReasonCode.MalformedPacket);
        }

        return id;
    }

    public static void CheckEnd(in MqttPacketReader reader, MqttPacketType type)
    {
        if (!reader.End)
        {
            throw new MqttProtocolException($"{type} has {reader.Remaining} trailing bytes.", MqttReasonCode.MalformedPacket);
        }
    }

    public static void CheckEmpty(int bodyLength, MqttPacketType type)
    {
        if (bodyLength != 0)
        {
            throw new MqttProtocolException($"{type} must have no body.", MqttReasonCode.MalformedPacket);
        }
    }

    public static MqttSubscription DecodeSubscriptionOptions(string filter, byte options, bool v5)
    {
        var qos = options & 3;
        if (qos == 3 || (v5 ? (options & 0xC0) != 0 || ((options >> 4) & 3) == 3 : (options & 0xFC) != 0))
        {
            throw new MqttProtocolException($"Invalid subscription options 0x{options:X2} (§3.8.3.1).", MqttReasonCode.MalformedPacket);
        }

        return new MqttSubscription(filter, (MqttQualityOfService)qos)
        {
            NoLocal = (options & 4) != 0,
            RetainAsPublished = (options & 8) != 0,
            RetainHandling = (byte)((options >> 4) & 3),
        };
    }

    public static byte EncodeSubscriptionOptions(MqttSubscription s, bool v5) => v5
        ? (byte)((byte)s.QoS | (s.NoLocal ? 4 : 0) | (s.RetainAsPublished ? 8 : 0) | ((s.RetainHandling & 3) << 4))
        : (byte)s.QoS;
}
