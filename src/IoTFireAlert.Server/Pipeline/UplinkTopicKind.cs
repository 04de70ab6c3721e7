namespace IoTFireAlert.Server.Pipeline;

public enum UplinkTopicKind : byte
{
    Uplink = 1,
    /// <summary>Online/offline, usually the device's retained will message.</summary>
    State = 2,
}
