namespace IoTFireAlert.Simulator.Fleet;

/// <summary>
/// A vehicle driving straight legs between points of interest (device sites) at a town speed,
/// one fix per second; at the end of a leg it picks the next destination. Owned by the sending loop.
/// </summary>
public sealed class VehicleDrive
{
    private readonly IReadOnlyList<(double Lat, double Lon)> _destinations;
    private readonly Random _random;
    private (double Lat, double Lon) _target;
    private double _speedKmh;

    public VehicleDrive(string vehicleId, double lat, double lon, IReadOnlyList<(double Lat, double Lon)> destinations, Random random)
    {
        VehicleId = vehicleId;
        Lat = lat;
        Lon = lon;
        _destinations = destinations;
        _random = random;
        NextLeg();
    }

    public string VehicleId { get; }

    public double Lat { get; private set; }

    public double Lon { get; private set; }

    /// <summary>Moves one second along the leg and returns the fix.</summary>
    public VehiclePosition Advance()
    {
        var heading = Geodesy.Heading(Lat, Lon, _target.Lat, _target.Lon);
        var remaining = Geodesy.DistanceMetres(Lat, Lon, _target.Lat, _target.Lon);
        var step = _speedKmh / 3.6;
        if (remaining <= step)
        {
            (Lat, Lon) = _target;
            NextLeg();
        }
        else
        {
            var radians = heading * Math.PI / 180;
            (Lat, Lon) = Geodesy.Offset(Lat, Lon, step * Math.Cos(radians), step * Math.Sin(radians));
        }

        return new VehiclePosition(VehicleId, Lat, Lon, _speedKmh, heading, "available");
    }

    private void NextLeg()
    {
        _target = _destinations.Count > 0
            ? _destinations[_random.Next(_destinations.Count)]
            : Geodesy.Offset(Lat, Lon, _random.Next(-1500, 1500), _random.Next(-1500, 1500));
        _speedKmh = 20 + (_random.NextDouble() * 25);
    }
}
