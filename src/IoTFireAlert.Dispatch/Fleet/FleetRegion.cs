namespace IoTFireAlert.Dispatch.Fleet;

/// <summary>
/// The box the fleet grid covers and its cell size. Vehicles outside it still count: they sit in one
/// overflow bucket that every search scans, so a wrong region costs speed, never correctness.
/// </summary>
public sealed record FleetRegion(double MinLatitude, double MaxLatitude, double MinLongitude, double MaxLongitude, double CellMeters = 1000)
{
    /// <summary>Zhejiang and its neighbours, 1 km cells.</summary>
    public static FleetRegion Zhejiang { get; } = new(27.0, 31.5, 118.0, 123.0);

    internal void Validate()
    {
        if (!(MinLatitude >= -90 && MaxLatitude <= 90 && MinLatitude < MaxLatitude))
        {
            throw new ArgumentException($"fleet region latitude range [{MinLatitude}, {MaxLatitude}] is invalid");
        }

        if (!(MinLongitude >= -180 && MaxLongitude <= 180 && MinLongitude < MaxLongitude))
        {
            throw new ArgumentException($"fleet region longitude range [{MinLongitude}, {MaxLongitude}] is invalid");
        }

        if (!(CellMeters >= 10 && double.IsFinite(CellMeters)))
        {
            throw new ArgumentException($"fleet region cell size {CellMeters} m must be at least 10 m");
        }
    }
}
