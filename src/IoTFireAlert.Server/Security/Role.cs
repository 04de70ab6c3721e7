namespace IoTFireAlert.Server.Security;

/// <summary>Viewer reads; dispatcher acknowledges, resolves and dispatches; administrator manages devices, stations and configuration.</summary>
public enum Role : byte
{
    Viewer = 1,
    Dispatcher = 2,
    Administrator = 3,
}
