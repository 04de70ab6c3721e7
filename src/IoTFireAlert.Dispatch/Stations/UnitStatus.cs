namespace IoTFireAlert.Dispatch.Stations;

/// <summary>Whether a station can take a new call.</summary>
public enum UnitStatus : byte
{
    Available = 0,
    Committed = 1,
    OutOfService = 2,
}
