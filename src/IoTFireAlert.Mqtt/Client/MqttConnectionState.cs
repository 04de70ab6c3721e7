namespace IoTFireAlert.Mqtt;

public enum MqttConnectionState
{
    Disconnected,
    Connecting,
    Connected,

    /// <summary>The connection was lost; the client is backing off before the next attempt.</summary>
    Reconnecting,

    /// <summary>DisconnectAsync or DisposeAsync was called; the client will not connect again.</summary>
    Closed,
}
