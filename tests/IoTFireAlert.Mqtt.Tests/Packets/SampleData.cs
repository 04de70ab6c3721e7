using IoTFireAlert.Mqtt.Packets;
using IoTFireAlert.Mqtt.V5;

namespace IoTFireAlert.Mqtt.Tests.Packets;

/// <summary>One or more instances of every packet type, with and without MQTT 5 properties.</summary>
internal static class SampleData
{
    public static IEnumerable<MqttPacket> Packets(MqttProtocolVersion version)
    {
        var v5 = version == MqttProtocolVersion.V500;
        MqttProperties? P(Func<MqttProperties> make) => v5 ? make() : null;

        yield return new MqttConnectPacket { ProtocolVersion = version, ClientId = "iotfire-1", CleanStart = true, KeepAliveSeconds = 30 };
        yield return new MqttConnectPacket
        {
            ProtocolVersion = version,
            ClientId = "dev-é-1",
            CleanStart = false,
            KeepAliveSeconds = 65535,
            Username = "user",
            Password = [1, 2, 3, 0, 255],
            WillTopic = "dev/acme/42/state",
            WillPayload = "offline"u8.ToArray(),
            WillQoS = MqttQualityOfService.AtLeastOnce,
            WillRetain = true,
            WillProperties = P(() => new MqttProperties { WillDelayInterval = 5, MessageExpiryInterval = 60, ContentType = "text/plain", UserProperties = [new("k", "v")] }),
            Properties = P(() => new MqttProperties { SessionExpiryInterval = 3600, ReceiveMaximum = 4096, MaximumPacketSize = 1 << 20, TopicAliasMaximum = 16, RequestProblemInformation = 1, UserProperties = [new("a", "1"), new("a", "2")] }),
        };
        yield return new MqttConnAckPacket { SessionPresent = true, ReasonCode = MqttReasonCode.Success };
        yield return new MqttConnAckPacket
        {
            ReasonCode = MqttReasonCode.BadUserNameOrPassword,
            Properties = P(() => new MqttProperties { ReasonString = "no", AssignedClientIdentifier = "auto-1", ServerKeepAlive = 60, ReceiveMaximum = 20, MaximumQoS = 1, RetainAvailable = 0, MaximumPacketSize = 1000, TopicAliasMaximum = 10, WildcardSubscriptionAvailable = 1, SubscriptionIdentifierAvailable = 0, SharedSubscriptionAvailable = 1, ServerReference = "other", ResponseInformation = "r", SessionExpiryInterval = 7 }),
        };
        yield return new MqttPublishPacket { Topic = "dev/acme/1/up", Payload = new byte[150], QoS = MqttQualityOfService.AtMostOnce, Retain = true };
        yield return new MqttPublishPacket { Topic = "a", Payload = [], QoS = MqttQualityOfService.AtLeastOnce, Dup = true, PacketId = 65535 };
        yield return new MqttPublishPacket
        {
            Topic = "dev/acme/1/up",
            Payload = new byte[20_000],
            QoS = MqttQualityOfService.ExactlyOnce,
            PacketId = 7,
            Properties = P(() => new MqttProperties { PayloadFormatIndicator = 1, MessageExpiryInterval = 9, ContentType = "application/json", ResponseTopic = "r/t", CorrelationData = [9, 8], SubscriptionIdentifiers = [1, 268_435_455], TopicAlias = 3, UserProperties = [new("vendor", "acme")] }),
        };
        foreach (var type in new[] { MqttPacketType.PubAck, MqttPacketType.PubRec, MqttPacketType.PubRel, MqttPacketType.PubComp })
        {
            var ack = MqttAcknowledgementPacket.Create(type);
            ack.PacketId = 1;
            yield return ack;
            if (v5)
            {
                var failed = MqttAcknowledgementPacket.Create(type);
                failed.PacketId = 513;
                failed.ReasonCode = MqttReasonCode.PacketIdentifierNotFound;
                yield return failed;
                var withProps = MqttAcknowledgementPacket.Create(type);
                withProps.PacketId = 2;
                withProps.ReasonCode = MqttReasonCode.NoMatchingSubscribers;
                withProps.Properties = new MqttProperties { ReasonString = "none", UserProperties = [new("x", "y")] };
                yield return withProps;
            }
        }

        yield return new MqttSubscribePacket
        {
            PacketId = 10,
            Subscriptions = [new("$share/iotfire/dev/+/+/up", MqttQualityOfService.AtLeastOnce), new("fleet/#", MqttQualityOfService.ExactlyOnce), new("x", MqttQualityOfService.AtMostOnce)],
        };
        if (v5)
        {
            yield return new MqttSubscribePacket
            {
                PacketId = 11,
                Properties = new MqttProperties { SubscriptionIdentifiers = [42], UserProperties = [new("u", "v")] },
                Subscriptions = [new("a/b", MqttQualityOfService.AtLeastOnce) { NoLocal = true, RetainAsPublished = true, RetainHandling = 2 }],
            };
        }

        yield return new MqttSubAckPacket { PacketId = 10, ReasonCodes = [MqttReasonCode.GrantedQoS1, MqttReasonCode.GrantedQoS2, MqttReasonCode.Success, MqttReasonCode.UnspecifiedError] };
        if (v5)
        {
            yield return new MqttSubAckPacket { PacketId = 12, ReasonCodes = [MqttReasonCode.NotAuthorized, MqttReasonCode.SharedSubscriptionsNotSupported], Properties = new MqttProperties { ReasonString = "acl" } };
        }

        yield return new MqttUnsubscribePacket { PacketId = 13, Filters = ["a/b", "$share/g/c/#"], Properties = P(() => new MqttProperties { UserProperties = [new("k", "v")] }) };
        yield return new MqttUnsubAckPacket { PacketId = 13, ReasonCodes = v5 ? [MqttReasonCode.Success, MqttReasonCode.NoSubscriptionExisted] : [] };
        yield return new MqttPingReqPacket();
        yield return new MqttPingRespPacket();
        yield return new MqttDisconnectPacket();
        if (v5)
        {
            yield return new MqttDisconnectPacket { ReasonCode = MqttReasonCode.DisconnectWithWillMessage };
            yield return new MqttDisconnectPacket { ReasonCode = MqttReasonCode.SessionTakenOver, Properties = new MqttProperties { SessionExpiryInterval = 0, ReasonString = "taken", ServerReference = "b2" } };
            yield return new MqttAuthPacket();
            yield return new MqttAuthPacket { ReasonCode = MqttReasonCode.ContinueAuthentication, Properties = new MqttProperties { AuthenticationMethod = "SCRAM-SHA-1", AuthenticationData = [1, 2] } };
        }
    }

    public static TheoryData<MqttProtocolVersion, int> Cases()
    {
        var data = new TheoryData<MqttProtocolVersion, int>();
        foreach (var version in new[] { MqttProtocolVersion.V311, MqttProtocolVersion.V500 })
        {
            var count = Packets(version).Count();
            for (var i = 0; i < count; i++)
            {
                data.Add(version, i);
            }
        }

        return data;
    }

    public static byte[] Encode(MqttPacket packet, MqttProtocolVersion version)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var written = MqttPacketFormatter.Encode(packet, version, buffer);
        Assert.Equal(buffer.WrittenCount, written);
        return buffer.WrittenSpan.ToArray();
    }

    public static string Describe(MqttPacket packet) => packet.GetType().Name + System.Text.Json.JsonSerializer.Serialize(packet, packet.GetType());
}
