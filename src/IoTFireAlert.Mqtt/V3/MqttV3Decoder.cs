using System.Text;
using IoTFireAlert.Mqtt.Packets;

namespace IoTFireAlert.Mqtt.V3;

/// <summary>Decodes MQTT 3.1.1 packet bodies (the frame scanner has already found the boundaries).</summary>
public static class MqttV3Decoder
{
    public static MqttPacket Decode(byte header, ReadOnlySpan<byte> body)
    {
        MqttFixedHeaderRules.CheckFlags(header);
        var type = (MqttPacketType)(header >> 4);
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

                    packet = new MqttConnAckPacket { SessionPresent = (flags & 1) != 0, ReasonCode = FromReturnCode(reader.ReadByte()) };
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
                    };
                }

            case MqttPacketType.PubAck or MqttPacketType.PubRec or MqttPacketType.PubRel or MqttPacketType.PubComp:
                {
                    var ack = MqttAcknowledgementPacket.Create(type);
                    ack.PacketId = MqttFixedHeaderRules.ReadPacketId(ref reader);
                    packet = ack;
                    break;
                }

            case MqttPacketType.Subscribe:
                {
                    var subscribe = new MqttSubscribePacket { PacketId = MqttFixedHeaderRules.ReadPacketId(ref reader) };
                    do
                    {
                        var filter = reader.ReadString();
                        subscribe.Subscriptions.Add(MqttFixedHeaderRules.DecodeSubscriptionOptions(filter, reader.ReadByte(), v5: false));
                    }
                    while (!reader.End);
                    packet = subscribe;
                    break;
                }

            case MqttPacketType.SubAck:
                {
                    var subAck = new MqttSubAckPacket { PacketId = MqttFixedHeaderRules.ReadPacketId(ref reader) };
                    do
                    {
                        var code = reader.ReadByte();
                        if (code is > 2 and not 0x80)
                        {
                            throw new MqttProtocolException($"Invalid SUBACK return code 0x{code:X2} (§3.9.3).");
                        }

                        subAck.ReasonCodes.Add((MqttReasonCode)code);
                    }
                    while (!reader.End);
                    packet = subAck;
                    break;
                }

            case MqttPacketType.Unsubscribe:
                {
                    var unsubscribe = new MqttUnsubscribePacket { PacketId = MqttFixedHeaderRules.ReadPacketId(ref reader) };
                    do
                    {
                        unsubscribe.Filters.Add(reader.ReadString());
                    }
                    while (!reader.End);
                    packet = unsubscribe;
                    break;
                }

            case MqttPacketType.UnsubAck:
                packet = new MqttUnsubAckPacket { PacketId = MqttFixedHeaderRules.ReadPacketId(ref reader) };
                break;
            case MqttPacketType.PingReq:
                packet = new MqttPingReqPacket();
                break;
            case MqttPacketType.PingResp:
                packet = new MqttPingRespPacket();
                break;
            case MqttPacketType.Disconnect:
                packet = new MqttDisconnectPacket();
                break;
            default:
                throw new MqttProtocolException($"Packet type {type} does not exist in MQTT 3.1.1.", MqttReasonCode.ProtocolError);
        }

        MqttFixedHeaderRules.CheckEnd(reader, type);
        return packet;
    }

    /// <summary>The hot path: PUBLISH fields as spans into <paramref name="body"/>.</summary>
    public static MqttPublishView DecodePublish(byte header, ReadOnlySpan<byte> body)
    {
        MqttFixedHeaderRules.CheckFlags(header);
        var reader = new MqttPacketReader(body);
        var topic = reader.ReadBinary();
        MqttFixedHeaderRules.CheckTopicName(topic);
        if (topic.IsEmpty)
        {
            throw new MqttProtocolException("Empty PUBLISH topic (§4.7.3).", MqttReasonCode.TopicNameInvalid);
        }

        ushort packetId = 0;
        if ((header & 0x06) != 0)
        {
            packetId = MqttFixedHeaderRules.ReadPacketId(ref reader);
        }

        return new MqttPublishView((byte)(header & 0x0F), topic, packetId, default, reader.ReadToEnd());
    }

    /// <summary>The hot path for PUBACK/PUBREC/PUBREL/PUBCOMP.</summary>
    public static MqttAckView DecodeAck(byte header, ReadOnlySpan<byte> body)
    {
        MqttFixedHeaderRules.CheckFlags(header);
        var reader = new MqttPacketReader(body);
        var id = MqttFixedHeaderRules.ReadPacketId(ref reader);
        MqttFixedHeaderRules.CheckEnd(reader, (MqttPacketType)(header >> 4));
        return new MqttAckView((MqttPacketType)(header >> 4), id, MqttReasonCode.Success);
    }

    private static MqttConnectPacket DecodeConnect(ref MqttPacketReader reader)
    {
        if (!reader.ReadUtf8().SequenceEqual("MQTT"u8))
        {
            throw new MqttProtocolException("Protocol name is not MQTT (§3.1.2.1).", MqttReasonCode.UnsupportedProtocolVersion);
        }

        if (reader.ReadByte() != (byte)MqttProtocolVersion.V311)
        {
            throw new MqttProtocolException("Protocol level is not 4 (§3.1.2.2).", MqttReasonCode.UnsupportedProtocolVersion);
        }

        var flags = reader.ReadByte();
        CheckConnectFlags(flags);
        var packet = new MqttConnectPacket
        {
            ProtocolVersion = MqttProtocolVersion.V311,
            CleanStart = (flags & 0x02) != 0,
            KeepAliveSeconds = reader.ReadUInt16(),
            ClientId = reader.ReadString(),
        };
        if ((flags & 0x04) != 0)
        {
            packet.WillQoS = (MqttQualityOfService)((flags >> 3) & 3);
            packet.WillRetain = (flags & 0x20) != 0;
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

    /// <summary>§3.1.2.3-§3.1.2.9: reserved bit, will QoS/retain only with a will, QoS ≤ 2.</summary>
    internal static void CheckConnectFlags(byte flags, bool v5 = false)
    {
        var will = (flags & 0x04) != 0;
        var willQoS = (flags >> 3) & 3;
        if ((flags & 0x01) != 0 || willQoS == 3 || (!will && (willQoS != 0 || (flags & 0x20) != 0))
            || (!v5 && (flags & 0x40) != 0 && (flags & 0x80) == 0))
        {
            throw new MqttProtocolException($"Invalid CONNECT flags 0x{flags:X2} (§3.1.2.3).");
        }
    }

    /// <summary>3.1.1 CONNACK return codes (§3.2.2.3) onto MQTT 5 reason codes.</summary>
    public static MqttReasonCode FromReturnCode(byte code) => code switch
    {
        0 => MqttReasonCode.Success,
        1 => MqttReasonCode.UnsupportedProtocolVersion,
        2 => MqttReasonCode.ClientIdentifierNotValid,
        3 => MqttReasonCode.ServerUnavailable,
        4 => MqttReasonCode.BadUserNameOrPassword,
        5 => MqttReasonCode.NotAuthorized,
        _ => throw new MqttProtocolException($"Invalid CONNACK return code {code} (§3.2.2.3)."),
    };

    public static byte ToReturnCode(MqttReasonCode code) => code switch
    {
        MqttReasonCode.Success => 0,
        MqttReasonCode.UnsupportedProtocolVersion => 1,
        MqttReasonCode.ClientIdentifierNotValid => 2,
        MqttReasonCode.ServerUnavailable => 3,
        MqttReasonCode.BadUserNameOrPassword => 4,
        MqttReasonCode.NotAuthorized => 5,
        _ => 3,
    };
}
