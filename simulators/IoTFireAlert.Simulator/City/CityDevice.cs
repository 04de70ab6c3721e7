using IoTFireAlert.Ingestion.Readings;

namespace IoTFireAlert.Simulator.City;

/// <summary>One row of a generated devices.csv (every column of the server's import format).</summary>
public sealed record CityDevice(
    string Id,
    DeviceKind Kind,
    string Vendor,
    string Name,
    string Site,
    string Address,
    string Building,
    int Floor,
    string Grid,
    double Lat,
    double Lon,
    string Contacts,
    int HeartbeatSeconds,
    string InstalledOn);
