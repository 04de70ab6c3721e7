using System.Text.Json;

namespace IoTFireAlert.Simulator.Fleet;

/// <summary>Reads the vehicles of a fleet file in the format of config/fleet.sample.json (<c>{"vehicles":[{"id","lat","lon",...}]}</c>).</summary>
public static class FleetFile
{
    public static List<FleetVehicle> Read(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var vehicles = new List<FleetVehicle>();
        foreach (var vehicle in document.RootElement.GetProperty("vehicles").EnumerateArray())
        {
            vehicles.Add(new FleetVehicle(vehicle.GetProperty("id").GetString()!, vehicle.GetProperty("lat").GetDouble(), vehicle.GetProperty("lon").GetDouble()));
        }

        return vehicles;
    }
}
