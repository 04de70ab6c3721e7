using System.Buffers;
using IoTFireAlert.Mqtt.Packets;

namespace IoTFireAlert.Mqtt.V5;

/// <summary>Encodes MQTT 5 packets: size first (properties included), then one span from the writer.</summary>
public static class MqttV5Encoder
{
    public static int Encode(MqttPacket packet, IBufferWriter<byte> output)
    {
        switch (packet)
        {
            case MqttConnectPacket connect:
                return EncodeConnect(connect, output);
            case MqttConnAckPacket connAck:
                {
                    var props = MqttV5PropertiesWriter.ContentSize(connAck.Properties);
                    var w = Begin(output, MqttPacketType.ConnAck, 0, 2 + MqttV5PropertiesWriter.BlockSize(props));
                    w.WriteByte(connAck.SessionPresent ? (byte)1 : (byte)0);
                    w.WriteByte((byte)connAck.ReasonCode);
                    MqttV5PropertiesWriter.Write(ref w, connAck.Properties, props);
                    return End(output, w);
                }

            case MqttPublishPacket publish:
                return WritePublish(output, System.Text.Encoding.UTF8.GetBytes(publish.Topic), publish.Payload, publish.QoS, publish.Retain, publish.Dup, publish.PacketId, publish.Properties);
            case MqttAcknowledgementPacket ack:
                return WriteAck(output, ack.Type, ack.PacketId, ack.ReasonCode, ack.Properties);
            case MqttSubscribePacket subscribe:
                {
                    var props = MqttV5PropertiesWriter.ContentSize(subscribe.Properties);
                    var remaining = 2 + MqttV5PropertiesWriter.BlockSize(props);
                    foreach (var s in subscribe.Subscriptions)
                    {
                        remaining += MqttPacketWriter.StringSize(s.Filter) + 1;
                    }

                    var w = Begin(output, MqttPacketType.Subscribe, 2, remaining);
                    w.WriteUInt16(subscribe.PacketId);
                    MqttV5PropertiesWriter.Write(ref w, subscribe.Properties, props);
                    foreach (var s in subscribe.Subscriptions)
                    {
                        w.WriteString(s.Filter);
                        w.WriteByte(MqttFixedHeaderRules.EncodeSubscriptionOptions(s, v5: true));
                    }

                    return End(output, w);
                }

            case MqttSubAckPacket subAck:
                return WriteCodes(output, MqttPacketType.SubAck, subAck.PacketId, subAck.Properties, subAck.ReasonCodes);
            case MqttUnsubAckPacket unsubAck:
                return WriteCodes(output, MqttPacketType.UnsubAck, unsubAck.PacketId, unsubAck.Properties, unsubAck.ReasonCodes);
            case MqttUnsubscribePacket unsubscribe:
                {
                    var props = MqttV5PropertiesWriter.ContentSize(unsubscribe.Properties);
                    var remaining = 2 + MqttV5PropertiesWriter.BlockSize(props);
                    foreach (var f in unsubscribe.Filters)
                    {
                        remaining += MqttPacketWriter.StringSize(f);
                    }

                    var w = Begin(output, MqttPacketType.Unsubscribe, 2, remaining);
                    w.WriteUInt16(unsubscribe.PacketId);
                    MqttV5PropertiesWriter.Write(ref w, unsubscribe.Properties, props);
                    foreach (var f in unsubscribe.Filters)
                    {
                        w.WriteString(f);
                    }

                    return End(output, w);
                }

            case MqttPingReqPacket:
                return End(output, Begin(output, MqttPacketType.PingReq, 0, 0));
            case MqttPingRespPacket:
                return End(output, Begin(output, MqttPacketType.PingResp, 0, 0));
            case MqttDisconnectPacket disconnect:
                return WriteReasonOnly(output, MqttPacketType.Disconnect, disconnect.ReasonCode, disconnect.Properties);
            case MqttAuthPacket auth:
                return WriteReasonOnly(output, MqttPacketType.Auth, auth.ReasonCode, auth.Properties);
            default:
                throw new ArgumentException($"Unknown packet {packet.Type}.", nameof(packet));
        }
    }

    /// <summary>The hot path: PUBLISH from spans; allocation-free when <paramref name="properties"/> is null.</summary>
    public static int WritePublish(IBufferWriter<byte> output, ReadOnlySpan<byte> topic, ReadOnlySpan<byte> payload, MqttQualityOfService qos, bool retain, bool dup, ushort packetId, MqttProperties? properties = null)
    {
        var props = MqttV5PropertiesWriter.ContentSize(properties);
        var remaining = MqttPacketWriter.BinarySize(topic) + (qos == MqttQualityOfService.AtMostOnce ? 0 : 2) + MqttV5PropertiesWriter.BlockSize(props) + payload.Length;
        var flags = (byte)(((byte)qos << 1) | (retain ? 1 : 0) | (dup ? 8 : 0));
        var w = Begin(output, MqttPacketType.Publish, flags, remaining);
        w.WriteBinary(topic);
        if (qos != MqttQualityOfService.AtMostOnce)
        {
            w.WriteUInt16(packetId);
        }

        MqttV5PropertiesWriter.Write(ref w, properties, props);
        w.WriteBytes(payload);
        return End(output, w);
    }

    /// <summary>PUBACK/PUBREC/PUBREL/PUBCOMP; uses the 2-byte short form for Success without properties (§3.4.2.1).</summary>
    public static int WriteAck(IBufferWriter<byte> output, MqttPacketType type, ushort packetId, MqttReasonCode reasonCode = MqttReasonCode.Success, MqttProperties? properties = null)
    {
        var flags = type == MqttPacketType.PubRel ? (byte)2 : (byte)0;
        if (properties is null)
        {
            var length = reasonCode == MqttReasonCode.Success ? 2 : 3;
            var span = output.GetSpan(length + 2);
            span[0] = (byte)(((byte)type << 4) | flags);
            span[1] = (byte)length;
            span[2] = (byte)(packetId >> 8);
            span[3] = (byte)packetId;
            if (length == 3)
            {
                span[4] = (byte)reasonCode;
            }

            output.Advance(length + 2);
            return length + 2;
        }

        var props = MqttV5PropertiesWriter.ContentSize(properties);
        var w = Begin(output, type, flags, 3 + MqttV5PropertiesWriter.BlockSize(props));
        w.WriteUInt16(packetId);
        w.WriteByte((byte)reasonCode);
        MqttV5PropertiesWriter.Write(ref w, properties, props);
        return End(output, w);
    }

    private static int WriteCodes(IBufferWriter<byte> output, MqttPacketType type, ushort packetId, MqttProperties? properties, List<MqttReasonCode> codes)
    {
        var props = MqttV5PropertiesWriter.ContentSize(properties);
        var w = Begin(output, type, 0, 2 + MqttV5PropertiesWriter.BlockSize(props) + codes.Count);
        w.WriteUInt16(packetId);
        MqttV5PropertiesWriter.Write(ref w, properties, props);
        foreach (var code in codes)
        {
            w.WriteByte((byte)code);
        }

        return End(output, w);
    }

    private static int WriteReasonOnly(IBufferWriter<byte> output, MqttPacketType type, MqttReasonCode code, MqttProperties? properties)
    {
        if (properties is null && code == MqttReasonCode.Success)
        {
            return End(output, Begin(output, type, 0, 0));
        }

        if (properties is null)
        {
            var w1 = Begin(output, type, 0, 1);
            w1.WriteByte((byte)code);
            return End(output, w1);
        }

        var props = MqttV5PropertiesWriter.ContentSize(properties);
        var w = Begin(output, type, 0, 1 + MqttV5PropertiesWriter.BlockSize(props));
        w.WriteByte((byte)code);
        MqttV5PropertiesWriter.Write(ref w, properties, props);
        return End(output, w);
    }

    private static int EncodeConnect(MqttConnectPacket c, IBufferWriter<byte> output)
    {
        var props = MqttV5PropertiesWriter.ContentSize(c.Properties);
        var remaining = 6 + 1 + 1 + 2 + MqttV5PropertiesWriter.BlockSize(props) + MqttPacketWriter.StringSize(c.ClientId);
        byte flags = 0;
        if (c.CleanStart)
        {
            flags |= 0x02;
        }

        var willProps = 0;
        if (c.WillTopic is not null)
        {
            flags |= (byte)(0x04 | ((byte)c.WillQoS << 3) | (c.WillRetain ? 0x20 : 0));
            willProps = MqttV5PropertiesWriter.ContentSize(c.WillProperties);
            remaining += MqttV5PropertiesWriter.BlockSize(willProps) + MqttPacketWriter.StringSize(c.WillTopic) + MqttPacketWriter.BinarySize(c.WillPayload ?? []);
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

        var w = Begin(output, MqttPacketType.Connect, 0, remaining);
        w.WriteBinary("MQTT"u8);
        w.WriteByte((byte)MqttProtocolVersion.V500);
        w.WriteByte(flags);
        w.WriteUInt16(c.KeepAliveSeconds);
        MqttV5PropertiesWriter.Write(ref w, c.Properties, props);
        w.WriteString(c.ClientId);
        if (c.WillTopic is not null)
        {
            MqttV5PropertiesWriter.Write(ref w, c.WillProperties, willProps);
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

    private static MqttPacketWriter Begin(IBufferWriter<byte> output, MqttPacketType type, byte flags, int remaining)
    {
        var total = MqttPacketWriter.PacketSize(remaining);
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
