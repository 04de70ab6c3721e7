namespace IoTFireAlert.Mqtt;

/// <summary>The broker refused one or more filters of a SUBSCRIBE (SUBACK reason code ≥ 0x80).</summary>
public sealed class MqttSubscribeException : Exception
{
    public MqttSubscribeException(IReadOnlyList<MqttSubscription> subscriptions, IReadOnlyList<MqttReasonCode> reasonCodes)
        : base("The broker refused: " + string.Join(", ", subscriptions.Zip(reasonCodes).Where(p => (byte)p.Second >= 0x80).Select(p => $"{p.First.Filter} ({p.Second})")))
    {
        ReasonCodes = reasonCodes;
    }

    public IReadOnlyList<MqttReasonCode> ReasonCodes { get; }
}
