using BenchmarkDotNet.Attributes;
using IoTFireAlert.Dispatch.Fleet;
using IoTFireAlert.Dispatch.Geo;

namespace IoTFireAlert.Benchmarks.Geo;

/// <summary>Nearest available repair van among 50,000 (a third busy or offline). Per query; 0 B expected.</summary>
public class FleetNearestBenchmark
{
    private const int Queries = 256;

    private readonly VehicleHit[] _hit = new VehicleHit[1];
    private FleetIndex _fleet = null!;
    private GeoPoint[] _queries = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(11);
        _fleet = new FleetIndex(FleetRegion.Zhejiang, TravelModel.Default, 50_000);
        for (var v = 0; v < 50_000; v++)
        {
            _fleet.Register(new RepairVehicle($"V{v:D5}", "van", 27.5 + (rng.NextDouble() * 3.5), 118.5 + (rng.NextDouble() * 4), 0, 0, (VehicleStatus)(rng.Next(3) == 0 ? 1 + rng.Next(2) : 0), DateTimeOffset.UnixEpoch));
        }

        _queries = new GeoPoint[Queries];
        for (var q = 0; q < Queries; q++)
        {
            _queries[q] = new GeoPoint(27.5 + (rng.NextDouble() * 3.5), 118.5 + (rng.NextDouble() * 4));
        }
    }

    [Benchmark(OperationsPerInvoke = Queries)]
    public double NearestAvailableVan()
    {
        var sum = 0.0;
        foreach (var q in _queries)
        {
            _fleet.FindNearest(q, _hit);
            sum += _hit[0].EtaSeconds;
        }

        return sum;
    }
}
