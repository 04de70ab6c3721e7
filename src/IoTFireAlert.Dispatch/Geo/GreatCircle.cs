namespace IoTFireAlert.Dispatch.Geo;

/// <summary>
/// Great-circle distance on a sphere of the IUGG mean Earth radius. Every distance in this library
/// comes from <see cref="MetersFromChordSquared"/>, so an index and a brute-force scan that both go
/// through <see cref="UnitVector"/> compute bit-identical figures.
/// </summary>
public static class GreatCircle
{
    /// <summary>IUGG mean radius R1, metres.</summary>
    public const double EarthRadiusMeters = 6_371_008.8;

    /// <summary>Arc length for a squared chord on the unit sphere: d = 2R asin(c / 2).</summary>
    public static double MetersFromChordSquared(double chordSquared)
    {
        var halfChord = Math.Sqrt(chordSquared) * 0.5;
        return 2.0 * EarthRadiusMeters * Math.Asin(Math.Min(1.0, halfChord));
    }

    public static double Meters(GeoPoint a, GeoPoint b) =>
        MetersFromChordSquared(UnitVector.From(a).ChordSquaredTo(UnitVector.From(b)));

    public static double Meters(double lat1, double lon1, double lat2, double lon2) =>
        MetersFromChordSquared(UnitVector.From(lat1, lon1).ChordSquaredTo(UnitVector.From(lat2, lon2)));
}
