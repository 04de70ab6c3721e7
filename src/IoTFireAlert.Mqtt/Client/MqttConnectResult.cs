namespace IoTFireAlert.Mqtt;

/// <summary>What the broker said in CONNACK, with MQTT 5 defaults filled in for absent properties.</summary>
public sealed class MqttConnectResult
{
    public bool SessionPresent { get; init; }
    public MqttReasonCode ReasonCode { get; init; }
    public string? ReasonString { get; init; }

    /// <summary>The client id in use: ours, or the one the broker assigned (5 §3.2.2.3.7).</summary>
    public string ClientId { get; init; } = "";
    public ushort KeepAliveSeconds { get; init; }
    public ushort BrokerReceiveMaximum { get; init; } = 65535;
    public uint? BrokerMaximumPacketSize { get; init; }
    public MqttQualityOfService MaximumQoS { get; init; } = MqttQualityOfService.ExactlyOnce;
    public bool RetainAvailable { get; init; } = true;
    public bool SharedSubscriptionAvailable { get; init; } = true;
    public uint? SessionExpirySeconds { get; init; }
    public IReadOnlyList<MqttUserProperty> UserProperties { get; init; } = [];
}
