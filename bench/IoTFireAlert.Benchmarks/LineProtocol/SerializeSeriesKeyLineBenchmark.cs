using BenchmarkDotNet.Attributes;
using IoTFireAlert.Telemetry.LineProtocol;

namespace IoTFireAlert.Benchmarks.LineProtocol;

/// <summary>
/// The same line as <see cref="SerializeLineBenchmark"/>, but with the measurement and 5 tags
/// escaped once into a <see cref="SeriesKey"/> (how the point formatter writes device readings).
/// </summary>
// Min shows the least-disturbed iteration: this 2-core machine is shared and its load swings.
[MinColumn]
public class SerializeSeriesKeyLineBenchmark
{
    private const int Lines = 1_000;
    private readonly LineProtocolWriter _writer = new();
    private readonly LineBatch _batch = new(1 << 20, Lines);
    private readonly SeriesKey _series = SeriesKey.Create(
        "electrical_fire",
        new("device_id", "EF-330602-000123"),
        new("grid", "G-07"),
        new("kind", "electrical_fire"),
        new("site", "绍兴市柯桥区 华舍街道"),
        new("vendor", "acme"));

    private long _timestamp = 1_700_000_000_000_000_000;

    [Benchmark(OperationsPerInvoke = Lines)]
    public int SerializeWithSeriesKey()
    {
        _batch.Clear();
        for (var i = 0; i < Lines; i++)
        {
            _writer.Begin(_series);
            _writer.FieldFloat("residual_current_ma"u8, 35.5);
            _writer.FieldFloat("cable_temp_c_1"u8, 48.25);
            _writer.FieldFloat("current_a_3"u8, 12.75);
            _writer.End(_batch, _timestamp++);
        }

        return _batch.Length;
    }
}
