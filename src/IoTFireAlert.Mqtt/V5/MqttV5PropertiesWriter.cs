using IoTFireAlert.Mqtt.Packets;

namespace IoTFireAlert.Mqtt.V5;

/// <summary>Sizes and writes a property block (§2.2.2): Property Length, then the properties.</summary>
public static class MqttV5PropertiesWriter
{
    /// <summary>Bytes of the properties themselves, without the Property Length prefix.</summary>
    public static int ContentSize(MqttProperties? p)
    {
        if (p is null)
        {
            return 0;
        }

        var size = 0;
        size += p.PayloadFormatIndicator.HasValue ? 2 : 0;
        size += p.MessageExpiryInterval.HasValue ? 5 : 0;
        size += p.ContentType is null ? 0 : 1 + MqttPacketWriter.StringSize(p.ContentType);
        size += p.ResponseTopic is null ? 0 : 1 + MqttPacketWriter.StringSize(p.ResponseTopic);
        size += p.CorrelationData is null ? 0 : 1 + MqttPacketWriter.BinarySize(p.CorrelationData);
        if (p.SubscriptionIdentifiers is not null)
        {
            foreach (var id in p.SubscriptionIdentifiers)
            {
                size += 1 + MqttPacketWriter.VariableByteIntegerSize(id);
            }
        }

        size += p.SessionExpiryInterval.HasValue ? 5 : 0;
        size += p.AssignedClientIdentifier is null ? 0 : 1 + MqttPacketWriter.StringSize(p.AssignedClientIdentifier);
        size += p.ServerKeepAlive.HasValue ? 3 : 0;
        size += p.AuthenticationMethod is null ? 0 : 1 + MqttPacketWriter.StringSize(p.AuthenticationMethod);
        size += p.AuthenticationData is null ? 0 : 1 + MqttPacketWriter.BinarySize(p.AuthenticationData);
        size += p.RequestProblemInformation.HasValue ? 2 : 0;
        size += p.WillDelayInterval.HasValue ? 5 : 0;
        size += p.RequestResponseInformation.HasValue ? 2 : 0;
        size += p.ResponseInformation is null ? 0 : 1 + MqttPacketWriter.StringSize(p.ResponseInformation);
        size += p.ServerReference is null ? 0 : 1 + MqttPacketWriter.StringSize(p.ServerReference);
        size += p.ReasonString is null ? 0 : 1 + MqttPacketWriter.StringSize(p.ReasonString);
        size += p.ReceiveMaximum.HasValue ? 3 : 0;
        size += p.TopicAliasMaximum.HasValue ? 3 : 0;
        size += p.TopicAlias.HasValue ? 3 : 0;
        size += p.MaximumQoS.HasValue ? 2 : 0;
        size += p.RetainAvailable.HasValue ? 2 : 0;
        if (p.UserProperties is not null)
        {
            foreach (var u in p.UserProperties)
            {
                size += 1 + MqttPacketWriter.StringSize(u.Name) + MqttPacketWriter.StringSize(u.Value);
            }
        }

        size += p.MaximumPacketSize.HasValue ? 5 : 0;
        size += p.WildcardSubscriptionAvailable.HasValue ? 2 : 0;
        size += p.SubscriptionIdentifierAvailable.HasValue ? 2 : 0;
        size += p.SharedSubscriptionAvailable.HasValue ? 2 : 0;
        return size;
    }

    /// <summary>Bytes of the whole block including its Property Length.</summary>
    public static int BlockSize(int contentSize) => MqttPacketWriter.VariableByteIntegerSize(contentSize) + contentSize;

    public static void Write(ref MqttPacketWriter w, MqttProperties? p, int contentSize)
    {
        w.WriteVariableByteInteger(contentSize);
        if (p is null)
        {
            return;
        }

        Byte(ref w, MqttPropertyId.PayloadFormatIndicator, p.PayloadFormatIndicator);
        UInt32(ref w, MqttPropertyId.MessageExpiryInterval, p.MessageExpiryInterval);
        String(ref w, MqttPropertyId.ContentType, p.ContentType);
        String(ref w, MqttPropertyId.ResponseTopic, p.ResponseTopic);
        Binary(ref w, MqttPropertyId.CorrelationData, p.CorrelationData);
        if (p.SubscriptionIdentifiers is not null)
        {
            foreach (var id in p.SubscriptionIdentifiers)
            {
                w.WriteByte((byte)MqttPropertyId.SubscriptionIdentifier);
                w.WriteVariableByteInteger(id);
            }
        }

        UInt32(ref w, MqttPropertyId.SessionExpiryInterval, p.SessionExpiryInterval);
        String(ref w, MqttPropertyId.AssignedClientIdentifier, p.AssignedClientIdentifier);
        UInt16(ref w, MqttPropertyId.ServerKeepAlive, p.ServerKeepAlive);
        String(ref w, MqttPropertyId.AuthenticationMethod, p.AuthenticationMethod);
        Binary(ref w, MqttPropertyId.AuthenticationData, p.AuthenticationData);
        Byte(ref w, MqttPropertyId.RequestProblemInformation, p.RequestProblemInformation);
        UInt32(ref w, MqttPropertyId.WillDelayInterval, p.WillDelayInterval);
        Byte(ref w, MqttPropertyId.RequestResponseInformation, p.RequestResponseInformation);
        String(ref w, MqttPropertyId.ResponseInformation, p.ResponseInformation);
        String(ref w, MqttPropertyId.ServerReference, p.ServerReference);
        String(ref w, MqttPropertyId.ReasonString, p.ReasonString);
        UInt16(ref w, MqttPropertyId.ReceiveMaximum, p.ReceiveMaximum);
        UInt16(ref w, MqttPropertyId.TopicAliasMaximum, p.TopicAliasMaximum);
        UInt16(ref w, MqttPropertyId.TopicAlias, p.TopicAlias);
        Byte(ref w, MqttPropertyId.MaximumQoS, p.MaximumQoS);
        Byte(ref w, MqttPropertyId.RetainAvailable, p.RetainAvailable);
        if (p.UserProperties is not null)
        {
            foreach (var u in p.UserProperties)
            {
                w.WriteByte((byte)MqttPropertyId.UserProperty);
                w.WriteString(u.Name);
                w.WriteString(u.Value);
            }
        }

        UInt32(ref w, MqttPropertyId.MaximumPacketSize, p.MaximumPacketSize);
        Byte(ref w, MqttPropertyId.WildcardSubscriptionAvailable, p.WildcardSubscriptionAvailable);
        Byte(ref w, MqttPropertyId.SubscriptionIdentifierAvailable, p.SubscriptionIdentifierAvailable);
        Byte(ref w, MqttPropertyId.SharedSubscriptionAvailable, p.SharedSubscriptionAvailable);
    }

    private static void Byte(ref MqttPacketWriter w, MqttPropertyId id, byte? value)
    {
        if (value.HasValue)
        {
            w.WriteByte((byte)id);
            w.WriteByte(value.Value);
        }
    }

    private static void UInt16(ref MqttPacketWriter w, MqttPropertyId id, ushort? value)
    {
        if (value.HasValue)
        {
            w.WriteByte((byte)id);
            w.WriteUInt16(value.Value);
        }
    }

    private static void UInt32(ref MqttPacketWriter w, MqttPropertyId id, uint? value)
    {
        if (value.HasValue)
        {
            w.WriteByte((byte)id);
            w.WriteUInt32(value.Value);
        }
    }

    private static void String(ref MqttPacketWriter w, MqttPropertyId id, string? value)
    {
        if (value is not null)
        {
            w.WriteByte((byte)id);
            w.WriteString(value);
        }
    }

    private static void Binary(ref MqttPacketWriter w, MqttPropertyId id, byte[]? value)
    {
        if (value is not null)
        {
            w.WriteByte((byte)id);
            w.WriteBinary(value);
        }
    }
}
