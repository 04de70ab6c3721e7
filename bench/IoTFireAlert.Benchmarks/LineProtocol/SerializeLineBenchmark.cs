using BenchmarkDotNet.Attributes;
using IoTFireAlert.Telemetry.LineProtocol;

namespace IoTFireAlert.Benchmarks.LineProtocol;

/// <summary>
/// One realistic line built from scratch each time: 5 tags (one a Chinese site name, escaped),
/// 3 float fields, a nanosecond timestamp, into a reused pooled batch. Per line: divide by 1,000.
/// </summary>
// Min shows the least-disturbed iteration: this 2-core machine is shared and its load swings.
[MinColumn]
public class SerializeLineBenchmark
{
    private const int Lines = 1_000;
    private readonly LineProtocolWriter _writer = new();
    private readonly LineBatch _batch = new(1 << 20, Lines);
    private long _timestamp = 1_700_000_000_000_000_000;

    [Benchmark(OperationsPerInvoke = Lines)]
    public int SerializeWithTags()
    {
        _batch.Clear();
        for (var i = 0; i < Lines; i++)
        {
            _writer.Begin("electrical_fire"u8);
            _writer.Tag("device_id", "EF-330602-000123");
            _writer.Tag("grid", "G-07");
            _writer.Tag("kind", "electrical_fire");
            _writer.Tag("site", "绍兴市柯桥区 华舍街道");
            _writer.Tag("vendor", "acme");
            _writer.FieldFloat("residual_current_ma"u8, 35.5);
            _writer.FieldFloat("cable_temp_c_1"u8, 48.25);
            _writer.FieldFloat("current_a_3"u8, 12.75);
            _writer.End(_batch, _timestamp++);
        }

        return _batch.Length;
    }
}
