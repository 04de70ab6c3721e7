using IoTFireAlert.Dispatch.Geo;
using IoTFireAlert.Dispatch.Stations;

namespace IoTFireAlert.Dispatch.Tests.Stations;

/// <summary>Random station sets: spread out, clustered on a coarse lattice (many exact ties), or stacked.</summary>
internal static class StationWorld
{
    public static List<Station> Create(Random rng, int count, int layout)
    {
        var list = new List<Station>(count);
        for (var i = 0; i < count; i++)
        {
            var (lat, lon) = Position(rng, layout);
            var means = new List<MeansCount>();
            foreach (var m in Enum.GetValues<ResponseMeans>())
            {
                if (rng.Next(3) == 0)
                {
                    means.Add(new MeansCount(m, rng.Next(0, 3)));
                }
            }

            if (!means.Exists(x => x.Count > 0))
            {
                means.Add(new MeansCount((ResponseMeans)rng.Next(1, 7), 1));
            }

            var tier = (StationTier)rng.Next(1, 4);
            var status = (UnitStatus)(rng.Next(5) switch { 0 => 1, 1 => 2, _ => 0 });
            // Ids in random order with shared prefixes, so slot order is not insertion order.
            list.Add(new Station($"S{rng.Next(0, 1_000_000):D6}-{i}", $"Station {i}", tier, lat, lon, means, status, []));
        }

        return list;
    }

    public static (double Lat, double Lon) Position(Random rng, int layout) => layout switch
    {
        // Around the Shaoxing old town, continuous.
        0 => (29.9 + (rng.NextDouble() * 0.2), 120.48 + (rng.NextDouble() * 0.2)),
        // A coarse lattice: equal distances and exact duplicates abound.
        1 => (30.0 + (rng.Next(0, 6) * 0.01), 120.5 + (rng.Next(0, 6) * 0.01)),
        // A whole country's extent.
        2 => (18 + (rng.NextDouble() * 35), 73 + (rng.NextDouble() * 62)),
        // High latitude and straddling a pole-ward band.
        _ => (60 + (rng.NextDouble() * 29), -20 + (rng.NextDouble() * 40)),
    };

    public static GeoPoint Query(Random rng, int layout) => rng.Next(8) switch
    {
        // Far away, on the other side of the globe (no longitude bound).
        0 => new GeoPoint((rng.NextDouble() * 180) - 90, (rng.NextDouble() * 360) - 180),
        _ => Position(rng, layout) is var (lat, lon) ? new GeoPoint(lat, lon) : default,
    };

    /// <summary>The reference: every station, sorted by (ETA, id ordinal).</summary>
    public static List<StationHit> BruteForce(NearestStationFinder finder, GeoPoint from, ResponseMeans means, StationTiers tiers, int k, bool availableOnly)
    {
        var all = new List<StationHit>();
        for (var slot = 0; slot < finder.Count; slot++)
        {
            var s = finder[slot];
            if (!s.Has(means) || (tiers & (StationTiers)(1 << ((int)s.Tier - 1))) == 0)
            {
                continue;
            }

            if (availableOnly && finder.GetStatus(slot) != UnitStatus.Available)
            {
                continue;
            }

            var meters = GreatCircle.Meters(from, s.Location);
            all.Add(new StationHit(slot, s.Id, means, meters, finder.Travel.EtaSeconds(meters, means)));
        }

        all.Sort(static (a, b) => a.EtaSeconds != b.EtaSeconds ? a.EtaSeconds.CompareTo(b.EtaSeconds) : string.CompareOrdinal(a.StationId, b.StationId));
        return all.Take(k).ToList();
    }
}
