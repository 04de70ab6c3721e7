using IoTFireAlert.Mqtt.Packets;

namespace IoTFireAlert.Mqtt.V5;

/// <summary>Which packet may carry which property (the "Used in" column of MQTT 5 §2.2.2.2).</summary>
internal static class MqttV5PropertyRules
{
    private const int Will = 1 << 0;
    private const int Connect = 1 << (int)MqttPacketType.Connect;
    private const int ConnAck = 1 << (int)MqttPacketType.ConnAck;
    private const int Publish = 1 << (int)MqttPacketType.Publish;
    private const int Acks = (1 << (int)MqttPacketType.PubAck) | (1 << (int)MqttPacketType.PubRec) | (1 << (int)MqttPacketType.PubRel) | (1 << (int)MqttPacketType.PubComp);
    private const int Subscribe = 1 << (int)MqttPacketType.Subscribe;
    private const int SubAck = 1 << (int)MqttPacketType.SubAck;
    private const int Unsubscribe = 1 << (int)MqttPacketType.Unsubscribe;
    private const int UnsubAck = 1 << (int)MqttPacketType.UnsubAck;
    private const int Disconnect = 1 << (int)MqttPacketType.Disconnect;
    private const int Auth = 1 << (int)MqttPacketType.Auth;

    public static bool IsAllowed(MqttPropertyId id, int packetType)
    {
        var mask = id switch
        {
            MqttPropertyId.PayloadFormatIndicator or MqttPropertyId.MessageExpiryInterval or MqttPropertyId.ContentType
                or MqttPropertyId.ResponseTopic or MqttPropertyId.CorrelationData => Publish | Will,
            MqttPropertyId.SubscriptionIdentifier => Publish | Subscribe,
            MqttPropertyId.SessionExpiryInterval => Connect | ConnAck | Disconnect,
            MqttPropertyId.AssignedClientIdentifier or MqttPropertyId.ServerKeepAlive or MqttPropertyId.ResponseInformation
                or MqttPropertyId.MaximumQoS or MqttPropertyId.RetainAvailable or MqttPropertyId.WildcardSubscriptionAvailable
                or MqttPropertyId.SubscriptionIdentifierAvailable or MqttPropertyId.SharedSubscriptionAvailable => ConnAck,
            MqttPropertyId.AuthenticationMethod or MqttPropertyId.AuthenticationData => Connect | ConnAck | Auth,
            MqttPropertyId.RequestProblemInformation or MqttPropertyId.RequestResponseInformation => Connect,
            MqttPropertyId.WillDelayInterval => Will,
            MqttPropertyId.ServerReference => ConnAck | Disconnect,
            MqttPropertyId.ReasonString => ConnAck | Acks | SubAck | UnsubAck | Disconnect | Auth,
            MqttPropertyId.ReceiveMaximum or MqttPropertyId.TopicAliasMaximum or MqttPropertyId.MaximumPacketSize => Connect | ConnAck,
            MqttPropertyId.TopicAlias => Publish,
            MqttPropertyId.UserProperty => Will | Connect | ConnAck | Publish | Acks | Subscribe | SubAck | Unsubscribe | UnsubAck | Disconnect | Auth,
            _ => 0,
        };
        return (mask & (1 << packetType)) != 0;
    }
}
