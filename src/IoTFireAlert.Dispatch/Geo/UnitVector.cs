namespace IoTFireAlert.Dispatch.Geo;

/// <summary>
/// A point on the unit sphere. The squared chord between two of them orders pairs exactly like the
/// great-circle distance, costs three multiply-adds instead of trigonometry, and turns into metres
/// only for the few candidates that reach a result (<see cref="GreatCircle.MetersFromChordSquared"/>).
/// </summary>
public readonly record struct UnitVector(double X, double Y, double Z)
{
    private const double DegreesToRadians = Math.PI / 180.0;

    public static UnitVector From(double latitude, double longitude)
    {
        var (sinLat, cosLat) = Math.SinCos(latitude * DegreesToRadians);
        var (sinLon, cosLon) = Math.SinCos(longitude * DegreesToRadians);
        return new UnitVector(cosLat * cosLon, cosLat * sinLon, sinLat);
    }

    public static UnitVector From(GeoPoint point) => From(point.Latitude, point.Longitude);

    public double ChordSquaredTo(UnitVector other)
    {
        var dx = X - other.X;
        var dy = Y - other.Y;
        var dz = Z - other.Z;
        return (dx * dx) + (dy * dy) + (dz * dz);
    }
}
