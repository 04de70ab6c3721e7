namespace IoTFireAlert.Dispatch.Fleet;

/// <summary>A repair vehicle's state as its tracker reports it.</summary>
public enum VehicleStatus : byte
{
    Available = 0,
    Busy = 1,
    Offline = 2,
}
