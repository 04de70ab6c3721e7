namespace IoTFireAlert.Mqtt;

/// <summary>The Last Will: published by the broker when the connection drops without DISCONNECT (§3.1.2.5).</summary>
public sealed class MqttWillMessage
{
    public required string Topic { get; init; }
    public ReadOnlyMemory<byte> Payload { get; init; }
    public MqttQualityOfService QoS { get; init; } = MqttQualityOfService.AtLeastOnce;
    public bool Retain { get; init; }

    /// <summary>MQTT 5 Will Delay Interval (§3.1.3.2.2).</summary>
    public uint? DelaySeconds { get; init; }

    /// <summary>MQTT 5 Message Expiry Interval of the will.</summary>
    public uint? MessageExpirySeconds { get; init; }
    public IReadOnlyList<MqttUserProperty>? UserProperties { get; init; }
}
