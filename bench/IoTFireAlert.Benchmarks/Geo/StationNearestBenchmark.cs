using BenchmarkDotNet.Attributes;
using IoTFireAlert.Dispatch.Geo;
using IoTFireAlert.Dispatch.Stations;

namespace IoTFireAlert.Benchmarks.Geo;

/// <summary>
/// k = 3 nearest available stations with engines among 100,000 over a province (Zhejiang-sized box),
/// 10 % committed: the grid index against a brute-force scan of the same data in the same run.
/// Per query; 0 B expected for both.
/// </summary>
public class StationNearestBenchmark
{
    private const int Queries = 256;
    private const int K = 3;

    private readonly StationHit[] _hits = new StationHit[K];
    private NearestStationFinder _finder = null!;
    private GeoPoint[] _queries = null!;
    private double[] _x = null!;
    private double[] _y = null!;
    private double[] _z = null!;
    private bool[] _eligible = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        var stations = new Station[100_000];
        for (var i = 0; i < stations.Length; i++)
        {
            var means = new List<MeansCount>();
            if (rng.Next(2) == 0)
            {
                means.Add(new MeansCount(ResponseMeans.Engine, 1 + rng.Next(3)));
            }

            means.Add(new MeansCount(ResponseMeans.PortableEquipment, 2));
            stations[i] = new Station($"ZJ-{i:D6}", "station", (StationTier)(1 + rng.Next(3)), 27 + (rng.NextDouble() * 4.5), 118 + (rng.NextDouble() * 5), means, rng.Next(10) == 0 ? UnitStatus.Committed : UnitStatus.Available, []);
        }

        _finder = new NearestStationFinder(stations, TravelModel.Default);
        _queries = new GeoPoint[Queries];
        for (var q = 0; q < Queries; q++)
        {
            _queries[q] = new GeoPoint(27 + (rng.NextDouble() * 4.5), 118 + (rng.NextDouble() * 5));
        }

        // The scan's own flat copy (slot order, as the finder sorted them), so it pays no indirection.
        _x = new double[_finder.Count];
        _y = new double[_finder.Count];
        _z = new double[_finder.Count];
        _eligible = new bool[_finder.Count];
        for (var s = 0; s < _finder.Count; s++)
        {
            var v = UnitVector.From(_finder[s].Location);
            (_x[s], _y[s], _z[s]) = (v.X, v.Y, v.Z);
            _eligible[s] = _finder[s].Has(ResponseMeans.Engine) && _finder.GetStatus(s) == UnitStatus.Available;
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Queries)]
    public double BruteForceScan()
    {
        var sum = 0.0;
        Span<double> best = stackalloc double[K];
        Span<int> bestSlot = stackalloc int[K];
        foreach (var q in _queries)
        {
            best.Fill(double.MaxValue);
            var u = UnitVector.From(q);
            for (var s = 0; s < _x.Length; s++)
            {
                if (!_eligible[s])
                {
                    continue;
                }

                var dx = _x[s] - u.X;
                var dy = _y[s] - u.Y;
                var dz = _z[s] - u.Z;
                var c2 = (dx * dx) + (dy * dy) + (dz * dz);
                if (c2 >= best[K - 1])
                {
                    continue;
                }

                var at = K - 1;
                while (at > 0 && c2 < best[at - 1])
                {
                    best[at] = best[at - 1];
                    bestSlot[at] = bestSlot[at - 1];
                    at--;
                }

                best[at] = c2;
                bestSlot[at] = s;
            }

            sum += TravelModel.Default.EtaSeconds(GreatCircle.MetersFromChordSquared(best[0]), ResponseMeans.Engine);
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Queries)]
    public double GridIndex()
    {
        var sum = 0.0;
        foreach (var q in _queries)
        {
            _finder.FindNearest(q, ResponseMeans.Engine, StationTiers.All, _hits);
            sum += _hits[0].EtaSeconds;
        }

        return sum;
    }
}
