using System.Text;
using IoTFireAlert.Mqtt.Packets;
using IoTFireAlert.Mqtt.V3;

namespace IoTFireAlert.Mqtt.V5;

/// <summary>Decodes MQTT 5 packet bodies, properties included and checked against §2.2.2.2.</summary>
public static class MqttV5Decoder
{
    public static MqttPacket Decode(byte header, ReadOnlySpan<byte> body)
    {
        MqttFixedHeaderRules.CheckFlags(header);
        var type = (MqttPacketType)(header >> 4);
        var t = (int)type;
        var reader = new MqttPacketReader(body);
        MqttPacket packet;
        switch (type)
        {
            case MqttPacketType.Connect:
                packet = DecodeConnect(ref reader);
                break;
            case MqttPacketType.ConnAck:
                {
                    var flags = reader.ReadByte();
                    if ((flags & 0xFE) != 0)
                    {
                        throw new MqttProtocolException("CONNACK reserved flags set (§3.2.2.1).");
                    }

                    packet = new MqttConnAckPacket
                    {
                        SessionPresent = (flags & 1) != 0,
                        ReasonCode = (MqttReasonCode)reader.ReadByte(),
                        Properties = ReadProperties(ref reader, t),
                    };
                    break;
                }

            case MqttPacketType.Publish:
                {
                    var view = DecodePublish(header, body);
                    return new MqttPublishPacket
                    {
                        Topic = Encoding.UTF8.GetString(view.Topic),
                        Payload = view.Payload.ToArray(),
                        QoS = view.QoS,
                        Retain = view.Retain,
                        Dup = view.Dup,
                        PacketId = view.PacketId,
                        Properties = MqttV5PropertiesReader.Read(view.Properties, t),
                    };
                }

            case MqttPacketType.PubAck or MqttPacketType.PubRec or MqttPacketType.PubRel or MqttPacketType.PubComp:
                {
                    var ack = MqttAcknowledgementPacket.Create(type);
                    ack.PacketId = MqttFixedHeaderRules.ReadPacketId(ref reader);
                    if (!reader.End)
                    {
                        ack.ReasonCode = (MqttReasonCode)reader.ReadByte();
                        if (!reader.End)
                        {
                            ack.Properties = ReadProperties(ref reader, t);
                        }
                    }

                    packet = ack;
                    break;
                }

            case MqttPacketType.Subscribe:
                {
                    var subscribe = new MqttSubscribePacket { PacketId = MqttFixedHeaderRules.ReadPacketId(ref reader), Properties = ReadProperties(ref reader, t) };
                    do
                    {
                        var filter = reader.ReadString();
                        subscribe.Subscriptions.Add(MqttFixedHeaderRules.DecodeSubscriptionOptions(filter, reader.ReadByte(), v5: true));
                    }
                    while (!reader.End);
                    packet = subscribe;
                    break;
                }

            case MqttPacketType.SubAck or MqttPacketType.UnsubAck:
                {
                    var id = MqttFixedHeaderRules.ReadPacketId(ref reader);
                    var properties = ReadProperties(ref reader, t);
                    var codes = new List<MqttReasonCode>();
                    do
                    {
                        codes.Add((MqttReasonCode)reader.ReadByte());
                    }
                    while (!reader.End);
                    packet = type == MqttPacketType.SubAck
                        ? new MqttSubAckPacket { PacketId = id, Properties = properties, ReasonCodes = codes }
                        : new MqttUnsubAckPacket { PacketId = id, Properties = properties, ReasonCodes = codes };
                    break;
                }

            case MqttPacketType.Unsubscribe:
                {
                    var unsubscribe = new MqttUnsubscribePacket { PacketId = MqttFixedHeaderRules.ReadPacketId(ref reader), Properties = ReadProperties(ref reader, t) };
                    do
                    {
                        unsubscribe.Filters.Add(reader.ReadString());
                    }
                    while (!reader.End);
                    packet = unsubscribe;
                    break;
                }

            case MqttPacketType.PingReq:
                packet = new MqttPingReqPacket();
                break;
            case MqttPacketType.PingResp:
                packet = new MqttPingRespPacket();
                break;
            case MqttPacketType.Disconnect:
                {
                    var disconnect = new MqttDisconnectPacket();
                    if (!reader.End)
                    {
                        disconnect.ReasonCode = (MqttReasonCode)reader.ReadByte();
                        if (!reader.End)
                        {
                            disconnect.Properties = ReadProperties(ref reader, t);
                        }
                    }

                    packet = disconnect;
                    break;
                }

            case MqttPacketType.Auth:
                {
                    var auth = new MqttAuthPacket();
                    if (!reader.End)
                    {
                        auth.ReasonCode = (MqttReasonCode)reader.ReadByte();
                        if (!reader.End)
                        {
                            auth.Properties = ReadProperties(ref reader, t);
                        }
                    }

                    packet = auth;
                    break;
                }

            default:
                throw new MqttProtocolException($"Unknown packet type {type}.", MqttReasonCode.MalformedPacket);
        }

        MqttFixedHeaderRules.CheckEnd(reader, type);
        return packet;
    }

    /// <summary>The hot path: PUBLISH fields as spans into <paramref name="body"/>; properties stay raw.</summary>
    public static MqttPublishView DecodePublish(byte header, ReadOnlySpan<byte> body)
    {
        MqttFixedHeaderRules.CheckFlags(header);
        var reader = new MqttPacketReader(body);
        var topic = reader.ReadBinary();
        MqttFixedHeaderRules.CheckTopicName(topic);
        ushort packetId = 0;
        if ((header & 0x06) != 0)
        {
            packetId = MqttFixedHeaderRules.ReadPacketId(ref reader);
        }

        var properties = reader.ReadBytes(reader.ReadVariableByteInteger());
        return new MqttPublishView((byte)(header & 0x0F), topic, packetId, properties, reader.ReadToEnd());
    }

    /// <summary>The hot path for PUBACK/PUBREC/PUBREL/PUBCOMP; properties are checked for framing only.</summary>
    public static MqttAckView DecodeAck(byte header, ReadOnlySpan<byte> body)
    {
        MqttFixedHeaderRules.CheckFlags(header);
        var type = (MqttPacketType)(header >> 4);
        var reader = new MqttPacketReader(body);
        var id = MqttFixedHeaderRules.ReadPacketId(ref reader);
        var code = MqttReasonCode.Success;
        if (!reader.End)
        {
            code = (MqttReasonCode)reader.ReadByte();
            if (!reader.End)
            {
                MqttV5PropertiesReader.ReadBlock(ref reader);
            }
        }

        MqttFixedHeaderRules.CheckEnd(reader, type);
        return new MqttAckView(type, id, code);
    }

    private static MqttProperties? ReadProperties(ref MqttPacketReader reader, int packetType) =>
        MqttV5PropertiesReader.Read(MqttV5PropertiesReader.ReadBlock(ref reader), packetType);

    private static MqttConnectPacket DecodeConnect(ref MqttPacketReader reader)
    {
        if (!reader.ReadUtf8().SequenceEqual("MQTT"u8))
        {
            throw new MqttProtocolException("Protocol name is not MQTT (§3.1.2.1).", MqttReasonCode.UnsupportedProtocolVersion);
        }

        if (reader.ReadByte() != (byte)MqttProtocolVersion.V500)
        {
            throw new MqttProtocolException("Protocol version is not 5 (§3.1.2.2).", MqttReasonCode.UnsupportedProtocolVersion);
        }

        var flags = reader.ReadByte();
        MqttV3Decoder.CheckConnectFlags(flags, v5: true);
        var packet = new MqttConnectPacket
        {
            ProtocolVersion = MqttProtocolVersion.V500,
            CleanStart = (flags & 0x02) != 0,
            KeepAliveSeconds = reader.ReadUInt16(),
            Properties = ReadProperties(ref reader, (int)MqttPacketType.Connect),
            ClientId = reader.ReadString(),
        };
        if ((flags & 0x04) != 0)
        {
            packet.WillQoS = (MqttQualityOfService)((flags >> 3) & 3);
            packet.WillRetain = (flags & 0x20) != 0;
            packet.WillProperties = ReadProperties(ref reader, 0);
            packet.WillTopic = reader.ReadString();
            packet.WillPayload = reader.ReadBinary().ToArray();
        }

        if ((flags & 0x80) != 0)
        {
            packet.Username = reader.ReadString();
        }

        if ((flags & 0x40) != 0)
        {
            packet.Password = reader.ReadBinary().ToArray();
        }

        return packet;
    }
}
