namespace IoTFireAlert.Mqtt;

/// <summary>Where an outbound publication stands in the QoS 1/2 exchange (5 §4.3).</summary>
internal enum MqttOutboundState : byte
{
    Queued,
    AwaitingPubAck,
    AwaitingPubRec,
    AwaitingPubComp,
}
