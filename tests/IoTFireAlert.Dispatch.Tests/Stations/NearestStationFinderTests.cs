using FsCheck;
using FsCheck.Fluent;
using IoTFireAlert.Dispatch.Geo;
using IoTFireAlert.Dispatch.Stations;

namespace IoTFireAlert.Dispatch.Tests.Stations;

public sealed class NearestStationFinderTests
{
    [Fact]
    public void FindNearest_RandomStationsAndFilters_EqualsBruteForce()
    {
        var cases = from seed in Gen.Choose(0, int.MaxValue)
                    from count in Gen.Choose(0, 300)
                    from layout in Gen.Choose(0, 3)
                    from k in Gen.Choose(1, 8)
                    select (seed, count, layout, k);

        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var rng = new Random(c.seed);
            var finder = new NearestStationFinder(StationWorld.Create(rng, c.count, c.layout), TravelModel.Default);
            for (var round = 0; round < 3; round++)
            {
                for (var q = 0; q < 4; q++)
                {
                    var from = StationWorld.Query(rng, c.layout);
                    var means = (ResponseMeans)rng.Next(1, 7);
                    var tiers = (StationTiers)rng.Next(1, 8);
                    var available = rng.Next(4) != 0;
                    AssertSame(finder, from, means, tiers, c.k, available);
                }

                // Status changes between rounds: no rebuild, results must follow.
                for (var change = 0; change < Math.Min(10, finder.Count); change++)
                {
                    finder.SetStatus(rng.Next(finder.Count), (UnitStatus)rng.Next(0, 3));
                }
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(2500));
    }

    [Fact]
    public void FindNearest_100kStations_EqualsBruteForce()
    {
        var rng = new Random(20250101);
        var finder = new NearestStationFinder(StationWorld.Create(rng, 100_000, 0), TravelModel.Default);
        for (var q = 0; q < 60; q++)
        {
            AssertSame(finder, StationWorld.Query(rng, 0), (ResponseMeans)rng.Next(1, 7), StationTiers.All, 3, true);
            finder.SetStatus(rng.Next(finder.Count), UnitStatus.Committed);
        }
    }

    [Fact]
    public void FindNearest_EqualEta_OrderedByStationId()
    {
        var engine = new[] { new MeansCount(ResponseMeans.Engine, 1) };
        var stations = new[]
        {
            new Station("C", "c", StationTier.FireStation, 30.01, 120.58, engine, UnitStatus.Available, []),
            new Station("A", "a", StationTier.FireStation, 30.01, 120.58, engine, UnitStatus.Available, []),
            new Station("B", "b", StationTier.FireStation, 30.01, 120.58, engine, UnitStatus.Available, []),
            new Station("D", "d", StationTier.FireStation, 30.00, 120.58, engine, UnitStatus.Available, []),
        };
        var finder = new NearestStationFinder(stations, TravelModel.Default);
        var hits = new StationHit[4];

        var n = finder.FindNearest(new GeoPoint(30.0, 120.58), ResponseMeans.Engine, StationTiers.All, hits);

        Assert.Equal(4, n);
        Assert.Equal(["D", "A", "B", "C"], hits.Select(h => h.StationId));
        Assert.Equal(0.0, hits[0].DistanceMeters);
        Assert.Equal(hits[1].EtaSeconds, hits[3].EtaSeconds);
    }

    [Fact]
    public void FindNearest_CommittedStation_SkippedUntilAvailableAgain()
    {
        var engine = new[] { new MeansCount(ResponseMeans.Engine, 2) };
        var stations = new[]
        {
            new Station("NEAR", "near", StationTier.FireStation, 30.001, 120.58, engine, UnitStatus.Available, []),
            new Station("FAR", "far", StationTier.FireStation, 30.05, 120.58, engine, UnitStatus.Available, []),
        };
        var finder = new NearestStationFinder(stations, TravelModel.Default);
        var hits = new StationHit[1];
        var from = new GeoPoint(30.0, 120.58);

        Assert.True(finder.SetStatus("NEAR", UnitStatus.Committed));
        finder.FindNearest(from, ResponseMeans.Engine, StationTiers.All, hits);
        Assert.Equal("FAR", hits[0].StationId);

        finder.SetStatus("NEAR", UnitStatus.Available);
        finder.FindNearest(from, ResponseMeans.Engine, StationTiers.All, hits);
        Assert.Equal("NEAR", hits[0].StationId);
        // 111 m x 1.3 road factor at 35 km/h.
        Assert.InRange(hits[0].EtaSeconds, 14.5, 15.1);
    }

    [Fact]
    public void FindNearest_NoStationKeepsMeans_FindsNone()
    {
        var stations = new[]
        {
            new Station("S1", "s", StationTier.MicroStation, 30.0, 120.58, [new MeansCount(ResponseMeans.FireMotorcycle, 1)], UnitStatus.Available, []),
        };
        var finder = new NearestStationFinder(stations, TravelModel.Default);

        Assert.Equal(0, finder.FindNearest(new GeoPoint(30, 120.58), ResponseMeans.FireBoat, StationTiers.All, new StationHit[3]));
        Assert.Equal(0, finder.FindNearest(new GeoPoint(30, 120.58), ResponseMeans.FireMotorcycle, StationTiers.FireStation, new StationHit[3]));
    }

    [Fact]
    public void Constructor_DuplicateId_Throws()
    {
        var m = new[] { new MeansCount(ResponseMeans.Engine, 1) };
        var stations = new[]
        {
            new Station("X", "a", StationTier.FireStation, 30, 120, m, UnitStatus.Available, []),
            new Station("X", "b", StationTier.FireStation, 30, 121, m, UnitStatus.Available, []),
        };

        var ex = Assert.Throws<ArgumentException>(() => new NearestStationFinder(stations, TravelModel.Default));
        Assert.Contains("'X'", ex.Message, StringComparison.Ordinal);
    }

    private static void AssertSame(NearestStationFinder finder, GeoPoint from, ResponseMeans means, StationTiers tiers, int k, bool availableOnly)
    {
        var expected = StationWorld.BruteForce(finder, from, means, tiers, k, availableOnly);
        var hits = new StationHit[k];
        var n = finder.FindNearest(from, means, tiers, hits, availableOnly);
        var actual = hits.Take(n).ToList();
        Assert.True(
            expected.SequenceEqual(actual),
            $"query {from} {means} {tiers} k={k} avail={availableOnly}\nexpected {string.Join(", ", expected.Select(h => $"{h.StationId}@{h.EtaSeconds:R}"))}\nactual   {string.Join(", ", actual.Select(h => $"{h.StationId}@{h.EtaSeconds:R}"))}");
    }
}
