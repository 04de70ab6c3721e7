namespace IoTFireAlert.Mqtt;

/// <summary>The broker answered a QoS 1/2 PUBLISH with a failure reason code (MQTT 5 §3.4.2.1, §3.5.2.1).</summary>
public sealed class MqttPublishException : Exception
{
    public MqttPublishException(MqttReasonCode reasonCode, string? reasonString)
        : base($"The broker rejected the publication: {reasonCode} (0x{(byte)reasonCode:X2}){(reasonString is null ? "" : ": " + reasonString)}")
    {
        ReasonCode = reasonCode;
        ReasonString = reasonString;
    }

    public MqttReasonCode ReasonCode { get; }

    public string? ReasonString { get; }
}
