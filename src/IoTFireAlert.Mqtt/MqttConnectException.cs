namespace IoTFireAlert.Mqtt;

/// <summary>The broker refused the connection (CONNACK reason code ≥ 0x80, or a 3.1.1 return code ≠ 0).</summary>
public sealed class MqttConnectException : Exception
{
    public MqttConnectException(MqttReasonCode reasonCode, string? reasonString)
        : base($"The broker refused the connection: {reasonCode} (0x{(byte)reasonCode:X2}){(reasonString is null ? "" : ": " + reasonString)}")
    {
        ReasonCode = reasonCode;
        ReasonString = reasonString;
    }

    public MqttReasonCode ReasonCode { get; }

    public string? ReasonString { get; }
}
