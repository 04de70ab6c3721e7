using IoTFireAlert.Mqtt;

namespace IoTFireAlert.Server.Pipeline;

/// <summary>What the ingress hands a partition: a received message with its parsed topic, or a clock tick (no message).</summary>
public readonly struct IngressMessage(MqttInboundMessage message, UplinkTopic topic, long receivedUnixMs)
{
    public MqttInboundMessage Message { get; } = message;
    public UplinkTopic Topic { get; } = topic;
    public long ReceivedUnixMs { get; } = receivedUnixMs;

    /// <summary>A tick asks the partition to check its devices' heartbeats and adopt newly registered ones.</summary>
    public bool IsTick => Topic.Kind == 0;

    public static IngressMessage Tick(long nowUnixMs) => new(default, default, nowUnixMs);
}
