using BenchmarkDotNet.Attributes;
using IoTFireAlert.Ingestion.Readings;
using IoTFireAlert.Telemetry.LineProtocol;
using IoTFireAlert.Telemetry.Points;

namespace IoTFireAlert.Benchmarks.LineProtocol;

/// <summary>A decoded electrical-fire report (3 readings) to one line via <see cref="TelemetryPointFormatter"/>.</summary>
// Min shows the least-disturbed iteration: this 2-core machine is shared and its load swings.
[MinColumn]
public class FormatReportBenchmark
{
    private const int Lines = 1_000;
    private readonly TelemetryPointFormatter _formatter = new(TimestampPrecision.Nanoseconds);
    private readonly LineBatch _batch = new(1 << 20, Lines);
    private readonly DecodedBatch _decoded = new();
    private readonly DeviceTags _device = new("EF-330602-000123", DeviceKind.ElectricalFireMonitor, "acme", "绍兴市柯桥区 华舍街道", "G-07");

    [GlobalSetup]
    public void Setup()
    {
        ref var report = ref _decoded.BeginReport("EF-330602-000123");
        report.Flags = ReportFlags.HasTimestamp;
        report.TimestampUnixMs = 1_700_000_000_123;
        _decoded.Add(new Reading(Signal.ResidualCurrentMilliamps, 35.5));
        _decoded.Add(new Reading(Signal.CableTemperatureCelsius, 48.25, 1));
        _decoded.Add(new Reading(Signal.CurrentAmps, 12.75, 3));
    }

    [Benchmark(OperationsPerInvoke = Lines)]
    public int FormatReport()
    {
        _batch.Clear();
        for (var i = 0; i < Lines; i++)
        {
            _formatter.WriteReport(_batch, _decoded, 0, _device, 0);
        }

        return _batch.Length;
    }
}
