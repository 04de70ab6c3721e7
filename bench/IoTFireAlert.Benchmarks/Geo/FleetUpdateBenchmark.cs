using BenchmarkDotNet.Attributes;
using IoTFireAlert.Dispatch.Fleet;
using IoTFireAlert.Dispatch.Geo;

namespace IoTFireAlert.Benchmarks.Geo;

/// <summary>
/// One second of the fleet: 50,000 vehicles each report a new position (vans driving at up to
/// ~60 km/h, 1 km cells, so some change cell every tick). Per update; 0 B expected.
/// </summary>
public class FleetUpdateBenchmark
{
    private const int Vehicles = 50_000;

    private FleetIndex _fleet = null!;
    private double[][] _lat = null!;
    private double[][] _lon = null!;
    private int _tick;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(7);
        _fleet = new FleetIndex(FleetRegion.Zhejiang, TravelModel.Default, Vehicles);
        // 16 precomputed ticks of a random walk, replayed back and forth.
        _lat = new double[16][];
        _lon = new double[16][];
        for (var t = 0; t < 16; t++)
        {
            _lat[t] = new double[Vehicles];
            _lon[t] = new double[Vehicles];
        }

        for (var v = 0; v < Vehicles; v++)
        {
            double lat = 27.5 + (rng.NextDouble() * 3.5), lon = 118.5 + (rng.NextDouble() * 4);
            _fleet.Register(new RepairVehicle($"V{v:D5}", "van", lat, lon, 0, 0, VehicleStatus.Available, DateTimeOffset.UnixEpoch));
            for (var t = 0; t < 16; t++)
            {
                lat += (rng.NextDouble() - 0.5) * 0.0003;
                lon += (rng.NextDouble() - 0.5) * 0.0003;
                _lat[t][v] = lat;
                _lon[t][v] = lon;
            }
        }
    }

    [Benchmark(OperationsPerInvoke = Vehicles)]
    public int UpdateAllPositions()
    {
        var t = _tick++ & 15;
        var lat = _lat[t];
        var lon = _lon[t];
        var moved = 0;
        for (var v = 0; v < Vehicles; v++)
        {
            if (_fleet.UpdatePosition(v, lat[v], lon[v], 35, 90, t))
            {
                moved++;
            }
        }

        return moved;
    }
}
