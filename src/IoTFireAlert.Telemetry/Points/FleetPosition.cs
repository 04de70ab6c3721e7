namespace IoTFireAlert.Telemetry.Points;

/// <summary>A repair or rescue vehicle's position report (<c>fleet/{vehicleId}/pos</c>).</summary>
public readonly record struct FleetPosition(
    string VehicleId,
    long TimestampUnixMs,
    double Latitude,
    double Longitude,
    double SpeedKmh,
    double HeadingDegrees,
    string Status);
