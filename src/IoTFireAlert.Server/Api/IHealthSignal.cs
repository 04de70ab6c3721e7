namespace IoTFireAlert.Server.Api;

/// <summary>A part of the server that can say what is wrong with it (e.g. "MQTT: not connected").</summary>
public interface IHealthSignal
{
    string? Problem { get; }
}
