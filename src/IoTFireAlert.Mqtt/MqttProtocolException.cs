namespace IoTFireAlert.Mqtt;

/// <summary>
/// The one exception for protocol violations: malformed input from the network, a packet
/// too large, a broker that broke the rules. Carries the MQTT 5 reason code that names the
/// violation (§4.13), which the client also sends in its DISCONNECT when it can.
/// </summary>
public sealed class MqttProtocolException : Exception
{
    public MqttProtocolException(string message, MqttReasonCode reasonCode = MqttReasonCode.MalformedPacket)
        : base(message)
    {
        ReasonCode = reasonCode;
    }

    public MqttProtocolException(string message, MqttReasonCode reasonCode, Exception inner)
        : base(message, inner)
    {
        ReasonCode = reasonCode;
    }

    public MqttReasonCode ReasonCode { get; }
}
