namespace IoTFireAlert.Simulator.Fleet;

/// <summary>A repair vehicle of the fleet file (config/fleet.sample.json): its id and where it stands.</summary>
public sealed record FleetVehicle(string Id, double Lat, double Lon);
