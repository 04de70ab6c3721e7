using FsCheck;
using FsCheck.Fluent;
using IoTFireAlert.Dispatch.Fleet;
using IoTFireAlert.Dispatch.Geo;

namespace IoTFireAlert.Dispatch.Tests.Fleet;

public sealed class FleetIndexTests
{
    private static readonly FleetRegion OldTown = new(29.95, 30.05, 120.53, 120.63, CellMeters: 400);

    [Fact]
    public void FindNearest_RandomMovesAndStatus_EqualsBruteForce()
    {
        var cases = from seed in Gen.Choose(0, int.MaxValue)
                    from count in Gen.Choose(0, 200)
                    from k in Gen.Choose(1, 6)
                    from lattice in Gen.Elements(true, false)
                    select (seed, count, k, lattice);

        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var rng = new Random(c.seed);
            var fleet = new FleetIndex(OldTown, TravelModel.Default, capacity: 16);
            for (var i = 0; i < c.count; i++)
            {
                var (lat, lon) = Position(rng, c.lattice);
                fleet.Register(new RepairVehicle($"V{rng.Next(1000):D3}-{i}", "van", lat, lon, 0, 0, (VehicleStatus)rng.Next(0, 3), DateTimeOffset.UnixEpoch));
            }

            for (var round = 0; round < 4; round++)
            {
                for (var q = 0; q < 3; q++)
                {
                    var (qlat, qlon) = rng.Next(6) == 0 ? ((rng.NextDouble() * 180) - 90, (rng.NextDouble() * 360) - 180) : Position(rng, c.lattice);
                    AssertSame(fleet, new GeoPoint(qlat, qlon), c.k, rng.Next(4) != 0);
                }

                // Every vehicle moves (many change cells, some leave or re-enter the region).
                for (var slot = 0; slot < fleet.Count; slot++)
                {
                    var (lat, lon) = rng.Next(3) == 0 ? Position(rng, c.lattice) : Nudge(rng, fleet.Snapshot(slot));
                    Assert.True(fleet.UpdatePosition(slot, lat, lon, 30, 90, round));
                    if (rng.Next(5) == 0)
                    {
                        fleet.SetStatus(slot, (VehicleStatus)rng.Next(0, 3));
                    }
                }
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(2000));
    }

    [Fact]
    public void UpdatePosition_InvalidCoordinates_RejectedAndUnchanged()
    {
        var fleet = new FleetIndex(OldTown, TravelModel.Default);
        var slot = fleet.Register(new RepairVehicle("V1", "van", 30.0, 120.58, 0, 0, VehicleStatus.Available, DateTimeOffset.UnixEpoch));

        Assert.False(fleet.UpdatePosition(slot, double.NaN, 120.58, 0, 0, 1));
        Assert.False(fleet.UpdatePosition(slot, 30.0, 180.5, 0, 0, 1));
        Assert.False(fleet.UpdatePosition(slot, -90.01, 120.0, 0, 0, 1));

        var v = fleet.Snapshot(slot);
        Assert.Equal((30.0, 120.58, 0L), (v.Latitude, v.Longitude, v.LastUpdate.ToUnixTimeMilliseconds()));
    }

    [Fact]
    public void FindNearest_VehicleMovesAway_NextNearestChosen()
    {
        var fleet = new FleetIndex(OldTown, TravelModel.Default);
        var a = fleet.Register(new RepairVehicle("A", "a", 30.001, 120.58, 0, 0, VehicleStatus.Available, DateTimeOffset.UnixEpoch));
        fleet.Register(new RepairVehicle("B", "b", 30.01, 120.58, 0, 0, VehicleStatus.Available, DateTimeOffset.UnixEpoch));
        var hit = new VehicleHit[1];
        var alarm = new GeoPoint(30.0, 120.58);

        fleet.FindNearest(alarm, hit);
        Assert.Equal("A", hit[0].VehicleId);

        fleet.UpdatePosition(a, 31.5, 121.5, 35, 45, 1000);
        fleet.FindNearest(alarm, hit);
        Assert.Equal("B", hit[0].VehicleId);

        fleet.UpdatePosition(a, 30.0, 120.58, 0, 0, 2000);
        fleet.SetStatus(a, VehicleStatus.Busy);
        fleet.FindNearest(alarm, hit);
        Assert.Equal("B", hit[0].VehicleId);
        Assert.Equal(1, fleet.FindNearest(alarm, hit, availableOnly: false));
        Assert.Equal("A", hit[0].VehicleId);
    }

    [Fact]
    public void Register_KnownId_UpdatesSameSlot()
    {
        var fleet = new FleetIndex(OldTown, TravelModel.Default);
        var first = fleet.Register(new RepairVehicle("A", "a", 30.0, 120.58, 0, 0, VehicleStatus.Available, DateTimeOffset.UnixEpoch));
        var second = fleet.Register(new RepairVehicle("A", "a2", 30.01, 120.59, 10, 5, VehicleStatus.Busy, DateTimeOffset.UnixEpoch));

        Assert.Equal(first, second);
        Assert.Equal(1, fleet.Count);
        Assert.Equal(VehicleStatus.Busy, fleet.GetStatus(first));
        Assert.Equal("a2", fleet.Snapshot(first).Name);
    }

    [Fact]
    public void TryApply_ParsedFix_MovesKnownVehicleRejectsUnknown()
    {
        var fleet = new FleetIndex(OldTown, TravelModel.Default);
        var slot = fleet.Register(new RepairVehicle("V1", "van", 30.0, 120.58, 0, 0, VehicleStatus.Available, DateTimeOffset.UnixEpoch));

        Assert.True(fleet.TryApply(new FleetPosition("V1", 30.01, 120.59, 35, 180, 5000, VehicleStatus.Busy)));
        Assert.False(fleet.TryApply(new FleetPosition("ghost", 30.01, 120.59, 35, 180, 5000, null)));
        Assert.True(fleet.TryApply(new FleetPosition("V1", 30.02, 120.59, 0, 0, 6000, null)));

        var v = fleet.Snapshot(slot);
        Assert.Equal((30.02, VehicleStatus.Busy, 6000L), (v.Latitude, v.Status, v.LastUpdate.ToUnixTimeMilliseconds()));
    }

    private static (double Lat, double Lon) Position(Random rng, bool lattice) => lattice
        ? (29.99 + (rng.Next(0, 5) * 0.005), 120.57 + (rng.Next(0, 5) * 0.005))
        : (29.9 + (rng.NextDouble() * 0.2), 120.48 + (rng.NextDouble() * 0.2));

    private static (double Lat, double Lon) Nudge(Random rng, RepairVehicle v) =>
        (Math.Clamp(v.Latitude + ((rng.NextDouble() - 0.5) * 0.004), -90, 90), Math.Clamp(v.Longitude + ((rng.NextDouble() - 0.5) * 0.004), -180, 180));

    private static void AssertSame(FleetIndex fleet, GeoPoint from, int k, bool availableOnly)
    {
        var all = new List<VehicleHit>();
        for (var slot = 0; slot < fleet.Count; slot++)
        {
            var v = fleet.Snapshot(slot);
            if (availableOnly && v.Status != VehicleStatus.Available)
            {
                continue;
            }

            var meters = GreatCircle.Meters(from, v.Location);
            all.Add(new VehicleHit(slot, v.Id, meters, fleet.Travel.EtaSeconds(meters, ResponseMeans.RepairVan)));
        }

        all.Sort(static (a, b) => a.EtaSeconds != b.EtaSeconds ? a.EtaSeconds.CompareTo(b.EtaSeconds) : string.CompareOrdinal(a.VehicleId, b.VehicleId));
        var expected = all.Take(k).ToList();
        var hits = new VehicleHit[k];
        var actual = hits.Take(fleet.FindNearest(from, hits, availableOnly)).ToList();
        Assert.True(
            expected.SequenceEqual(actual),
            $"query {from} k={k}\nexpected {string.Join(", ", expected)}\nactual   {string.Join(", ", actual)}");
    }
}
