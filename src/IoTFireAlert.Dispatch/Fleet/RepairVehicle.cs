using IoTFireAlert.Dispatch.Geo;

namespace IoTFireAlert.Dispatch.Fleet;

/// <summary>A power company's repair van: where it is, how it moves, whether it can take a call.</summary>
public sealed record RepairVehicle(
    string Id,
    string Name,
    double Latitude,
    double Longitude,
    double SpeedKmh,
    double HeadingDegrees,
    VehicleStatus Status,
    DateTimeOffset LastUpdate)
{
    public GeoPoint Location => new(Latitude, Longitude);
}
