namespace IoTFireAlert.Mqtt;

/// <summary>
/// An inbound PUBLISH larger than <see cref="MqttClientOptions.MaximumPacketSize"/> that the
/// client read past without buffering it and acknowledged (QoS 1 PUBACK, QoS 2 PUBREC) so the
/// broker does not redeliver it. Only MQTT 3.1.1 can produce one: it has no way to tell the
/// broker our limit, while an MQTT 5 broker drops such messages itself (5 §3.1.2.11.4).
/// </summary>
public sealed class MqttOversizeMessageEventArgs : EventArgs
{
    public MqttOversizeMessageEventArgs(string topic, int packetSize, int maximumPacketSize, MqttQualityOfService qos, bool dup)
    {
        Topic = topic;
        PacketSize = packetSize;
        MaximumPacketSize = maximumPacketSize;
        QoS = qos;
        Dup = dup;
    }

    public string Topic { get; }

    /// <summary>The whole PUBLISH packet in bytes (fixed header included), as the limit counts it.</summary>
    public int PacketSize { get; }

    public int MaximumPacketSize { get; }

    public MqttQualityOfService QoS { get; }

    /// <summary>The broker flagged it as a redelivery (it may have been reported before).</summary>
    public bool Dup { get; }
}
