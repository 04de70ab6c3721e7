namespace IoTFireAlert.Mqtt;

/// <summary>
/// One topic filter of a SUBSCRIBE with its options (5 §3.8.3.1). Shared subscriptions are
/// written as <c>$share/{group}/{filter}</c> (5 §4.8.2); the broker splits the messages.
/// </summary>
public sealed record MqttSubscription(string Filter, MqttQualityOfService QoS = MqttQualityOfService.AtLeastOnce)
{
    public bool NoLocal { get; init; }

    public bool RetainAsPublished { get; init; }

    /// <summary>0 send retained on subscribe, 1 only if new, 2 never (5 §3.8.3.1).</summary>
    public byte RetainHandling { get; init; }
}
