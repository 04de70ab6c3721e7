namespace IoTFireAlert.Simulator.Fleet;

/// <summary>Flat-earth steps over a few kilometres of one district: error well under a metre, plenty for a simulated van.</summary>
public static class Geodesy
{
    private const double MetresPerDegreeLat = 111_320;

    public static double MetresPerDegreeLon(double lat) => MetresPerDegreeLat * Math.Cos(lat * Math.PI / 180);

    public static (double Lat, double Lon) Offset(double lat, double lon, double northMetres, double eastMetres) =>
        (lat + (northMetres / MetresPerDegreeLat), lon + (eastMetres / MetresPerDegreeLon(lat)));

    public static double DistanceMetres(double lat1, double lon1, double lat2, double lon2)
    {
        var north = (lat2 - lat1) * MetresPerDegreeLat;
        var east = (lon2 - lon1) * MetresPerDegreeLon((lat1 + lat2) / 2);
        return Math.Sqrt((north * north) + (east * east));
    }

    /// <summary>Compass heading (0 = north, clockwise) from the first point to the second.</summary>
    public static double Heading(double lat1, double lon1, double lat2, double lon2)
    {
        var north = (lat2 - lat1) * MetresPerDegreeLat;
        var east = (lon2 - lon1) * MetresPerDegreeLon((lat1 + lat2) / 2);
        var degrees = Math.Atan2(east, north) * 180 / Math.PI;
        return degrees < 0 ? degrees + 360 : degrees;
    }
}
