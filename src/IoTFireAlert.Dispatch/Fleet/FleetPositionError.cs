namespace IoTFireAlert.Dispatch.Fleet;

/// <summary>Why a position was rejected; the caller counts rejections per reason.</summary>
public enum FleetPositionError : byte
{
    None = 0,
    Malformed,
    BadTopic,
    MissingVehicleId,
    MissingCoordinates,
    NotANumber,
    LatitudeOutOfRange,
    LongitudeOutOfRange,
    SpeedOutOfRange,
    HeadingOutOfRange,
    BadTimestamp,
    MissingTimestamp,
    StaleTimestamp,
    FutureTimestamp,
    BadStatus,
    InvalidFix,
    UnknownVehicle,
}
