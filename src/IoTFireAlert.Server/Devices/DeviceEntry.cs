namespace IoTFireAlert.Server.Devices;

/// <summary>
/// A registered device as the pipeline holds it in memory. <see cref="Record"/> is replaced
/// whole when an administrator updates the device (a reference swap, atomic); the rest is
/// written by the one partition task that owns the device and read by others with Volatile.
/// </summary>
public sealed partial class DeviceEntry(DeviceRecord record)
{
    private DeviceRecord _record = record;
    private long _lastSeenUnixMs;
    private int _reportedState;

    public DeviceRecord Record
    {
        get => Volatile.Read(ref _record);
        set => Volatile.Write(ref _record, value);
    }

    /// <summary>When the device was last heard from (any uplink or state message), unix ms; 0 if never.</summary>
    public long LastSeenUnixMs
    {
        get => Volatile.Read(ref _lastSeenUnixMs);
        set => Volatile.Write(ref _lastSeenUnixMs, value);
    }

    /// <summary>What the device's own state topic last said: 0 nothing, 1 online, 2 offline (its will message).</summary>
    public int ReportedState
    {
        get => Volatile.Read(ref _reportedState);
        set => Volatile.Write(ref _reportedState, value);
    }
}
