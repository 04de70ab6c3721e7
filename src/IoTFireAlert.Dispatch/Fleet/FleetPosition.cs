namespace IoTFireAlert.Dispatch.Fleet;

/// <summary>A validated position fix. <see cref="Status"/> is null when the source does not say.</summary>
public readonly record struct FleetPosition(
    string VehicleId,
    double Latitude,
    double Longitude,
    double SpeedKmh,
    double HeadingDegrees,
    long TimestampUnixMs,
    VehicleStatus? Status);
