namespace IoTFireAlert.Mqtt;

/// <summary>An outbound message with MQTT 5 properties; the plain PublishAsync overloads cover the common case.</summary>
public sealed class MqttApplicationMessage
{
    public required string Topic { get; init; }
    public ReadOnlyMemory<byte> Payload { get; init; }
    public MqttQualityOfService QoS { get; init; }
    public bool Retain { get; init; }
    public uint? MessageExpirySeconds { get; init; }
    public string? ContentType { get; init; }
    public string? ResponseTopic { get; init; }
    public ReadOnlyMemory<byte>? CorrelationData { get; init; }
    public bool? PayloadIsUtf8 { get; init; }
    public IReadOnlyList<MqttUserProperty>? UserProperties { get; init; }
}
