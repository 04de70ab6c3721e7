using IoTFireAlert.Dispatch.Geo;

namespace IoTFireAlert.Dispatch.Stations;

/// <summary>A fire station, micro fire station or pre-positioned equipment point.</summary>
public sealed record Station(
    string Id,
    string Name,
    StationTier Tier,
    double Latitude,
    double Longitude,
    IReadOnlyList<MeansCount> Means,
    UnitStatus Status,
    IReadOnlyList<StationContact> Contacts)
{
    public GeoPoint Location => new(Latitude, Longitude);

    public int CountOf(ResponseMeans means)
    {
        var total = 0;
        foreach (var m in Means)
        {
            if (m.Means == means)
            {
                total += m.Count;
            }
        }

        return total;
    }

    public bool Has(ResponseMeans means) => CountOf(means) > 0;
}
