namespace IoTFireAlert.Dispatch.Geo;

/// <summary>A WGS-84 position in decimal degrees.</summary>
public readonly record struct GeoPoint(double Latitude, double Longitude)
{
    /// <summary>True when both coordinates are finite and within [-90, 90] / [-180, 180].</summary>
    public bool IsValid => IsValidLatitude(Latitude) && IsValidLongitude(Longitude);

    public static bool IsValidLatitude(double latitude) => latitude is >= -90.0 and <= 90.0;

    public static bool IsValidLongitude(double longitude) => longitude is >= -180.0 and <= 180.0;
}
