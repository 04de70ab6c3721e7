namespace IoTFireAlert.Mqtt;

/// <summary>An MQTT 5 User Property (§3.3.2.3.7): a name/value string pair; names may repeat.</summary>
public readonly record struct MqttUserProperty(string Name, string Value);
