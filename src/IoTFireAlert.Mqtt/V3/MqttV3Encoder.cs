using System.Buffers;
using IoTFireAlert.Mqtt.Packets;

namespace IoTFireAlert.Mqtt.V3;

/// <summary>Encodes MQTT 3.1.1 packets: size first, then one span from the writer.</summary>
public static class MqttV3Encoder
{
    public static int Encode(MqttPacket packet, IBufferWriter<byte> output)
    {
        switch (packet)
        {
            case MqttConnectPacket connect:
                return EncodeConnect(connect, output);
            case MqttConnAckPacket connAck:
                {
                    var w = Begin(output, MqttPacketType.ConnAck, 0, 2, out _);
                    w.WriteByte(connAck.SessionPresent ? (byte)1 : (byte)0);
                    w.WriteByte(MqttV3Decoder.ToReturnCode(connAck.ReasonCode));
                    return End(output, w);
                }

            case MqttPublishPacket publish:
                return WritePublish(output, System.Text.Encoding.UTF8.GetBytes(publish.Topic), publish.Payload, publish.QoS, publish.Retain, publish.Dup, publish.PacketId);
            case MqttAcknowledgementPacket ack:
                return WriteAck(output, ack.Type, ack.PacketId);
            case MqttSubscribePacket subscribe:
                {
                    var remaining = 2;
                    foreach (var s in subscribe.Subscriptions)
                    {
                        remaining += MqttPacketWriter.StringSize(s.Filter) + 1;
                    }

                    var w = Begin(output, MqttPacketType.Subscribe, 2, remaining, out _);
                    w.WriteUInt16(subscribe.PacketId);
                    foreach (var s in subscribe.Subscriptions)
                    {
                        w.WriteString(s.Filter);
                        w.WriteByte(MqttFixedHeaderRules.EncodeSubscriptionOptions(s, v5: false));
                    }

                    return End(output, w);
                }

            case MqttSubAckPacket subAck:
                {
                    var w = Begin(output, MqttPacketType.SubAck, 0, 2 + subAck.ReasonCodes.Count, out _);
                    w.WriteUInt16(subAck.PacketId);
                    foreach (var code in subAck.ReasonCodes)
                    {
                        w.WriteByte((byte)code);
                    }

                    return End(output, w);
                }

            case MqttUnsubscribePacket unsubscribe:
                {
                    var remaining = 2;
                    foreach (var f in unsubscribe.Filters)
                    {
                        remaining += MqttPacketWriter.StringSize(f);
                    }

                    var w = Begin(output, MqttPacketType.Unsubscribe, 2, remaining, out _);
                    w.WriteUInt16(unsubscribe.PacketId);
                    foreach (var f in unsubscribe.Filters)
                    {
                        w.WriteString(f);
                    }

                    return End(output, w);
                }

            case MqttUnsubAckPacket unsubAck:
                {
                    var w = Begin(output, MqttPacketType.UnsubAck, 0, 2, out _);
                    w.WriteUInt16(unsubAck.PacketId);
                    return End(output, w);
                }

            case MqttPingReqPacket:
                return End(output, Begin(output, MqttPacketType.PingReq, 0, 0, out _));
            case MqttPingRespPacket:
                return End(output, Begin(output, MqttPacketType.PingResp, 0, 0, out _));
            case MqttDisconnectPacket:
                return End(output, Begin(output, MqttPacketType.Disconnect, 0, 0, out _));
            default:
                throw new ArgumentException($"{packet.Type} does not exist in MQTT 3.1.1.", nameof(packet));
        }
    }

    /// <summary>The hot path: PUBLISH from spans, no allocation.</summary>
    public static int WritePublish(IBufferWriter<byte> output, ReadOnlySpan<byte> topic, ReadOnlySpan<byte> payload, MqttQualityOfService qos, bool retain, bool dup, ushort packetId)
    {
        var remaining = MqttPacketWriter.BinarySize(topic) + (qos == MqttQualityOfService.AtMostOnce ? 0 : 2) + payload.Length;
        var flags = (byte)(((byte)qos << 1) | (retain ? 1 : 0) | (dup ? 8 : 0));
        var w = Begin(output, MqttPacketType.Publish, flags, remaining, out _);
        w.WriteBinary(topic);
        if (qos != MqttQualityOfService.AtMostOnce)
        {
            w.WriteUInt16(packetId);
        }

        w.WriteBytes(payload);
        return End(output, w);
    }

    public static int WriteAck(IBufferWriter<byte> output, MqttPacketType type, ushort packetId)
    {
        var span = output.GetSpan(4);
        span[0] = (byte)(((byte)type << 4) | (type == MqttPacketType.PubRel ? 2 : 0));
        span[1] = 2;
        span[2] = (byte)(packetId >> 8);
        span[3] = (byte)packetId;
        output.Advance(4);
        return 4;
    }

    private static int EncodeConnect(MqttConnectPacket c, IBufferWriter<byte> output)
    {
        var remaining = 6 + 1 + 1 + 2 + MqttPacketWriter.StringSize(c.ClientId);
        byte flags = 0;
        if (c.CleanStart)
        {
            flags |= 0x02;
        }

        if (c.WillTopic is not null)
        {
            flags |= (byte)(0x04 | ((byte)c.WillQoS << 3) | (c.WillRetain ? 0x20 : 0));
            remaining += MqttPacketWriter.StringSize(c.WillTopic) + MqttPacketWriter.BinarySize(c.WillPayload ?? []);
        }

        if (c.Username is not null)
        {
            flags |= 0x80;
            remaining += MqttPacketWriter.StringSize(c.Username);
        }

        if (c.Password is not null)
        {
            flags |= 0x40;
            remaining += MqttPacketWriter.BinarySize(c.Password);
        }

        var w = Begin(output, MqttPacketType.Connect, 0, remaining, out _);
        w.WriteBinary("MQTT"u8);
        w.WriteByte((byte)MqttProtocolVersion.V311);
        w.WriteByte(flags);
        w.WriteUInt16(c.KeepAliveSeconds);
        w.WriteString(c.ClientId);
        if (c.WillTopic is not null)
        {
            w.WriteString(c.WillTopic);
            w.WriteBinary(c.WillPayload ?? []);
        }

        if (c.Username is not null)
        {
            w.WriteString(c.Username);
        }

        if (c.Password is not null)
        {
            w.WriteBinary(c.Password);
        }

        return End(output, w);
    }

    private static MqttPacketWriter Begin(IBufferWriter<byte> output, MqttPacketType type, byte flags, int remaining, out int total)
    {
        total = MqttPacketWriter.PacketSize(remaining);
        var w = new MqttPacketWriter(output.GetSpan(total)[..total]);
        w.WriteFixedHeader(type, flags, remaining);
        return w;
    }

    private static int End(IBufferWriter<byte> output, MqttPacketWriter w)
    {
        output.Advance(w.Position);
        return w.Position;
    }
}
