namespace IoTFireAlert.Mqtt;

public sealed class MqttConnectionStateChangedEventArgs : EventArgs
{
    public MqttConnectionStateChangedEventArgs(MqttConnectionState state, Exception? error, MqttConnectResult? connectResult)
    {
        State = state;
        Error = error;
        ConnectResult = connectResult;
    }

    public MqttConnectionState State { get; }

    /// <summary>Why the connection was lost or an attempt failed.</summary>
    public Exception? Error { get; }

    /// <summary>Set when <see cref="State"/> is <see cref="MqttConnectionState.Connected"/>.</summary>
    public MqttConnectResult? ConnectResult { get; }
}
