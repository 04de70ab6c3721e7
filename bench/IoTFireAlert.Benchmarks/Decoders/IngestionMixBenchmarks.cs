using System.Text.Json;
using BenchmarkDotNet.Attributes;
using IoTFireAlert.Ingestion.Alarms;
using IoTFireAlert.Ingestion.Readings;

namespace IoTFireAlert.Benchmarks.Decoders;

/// <summary>
/// Decode + rules per message, against a bare Utf8JsonReader pass over the same JSON messages
/// (the baseline: read every token, nothing else), in the same run so machine drift cancels out.
/// Per-operation figures are per message.
/// </summary>
public class IngestionMixBenchmarks
{
    private IngestionMixWorkload _workload = null!;
    private DecodedBatch _batch = null!;
    private List<AlarmTransition> _output = null!;
    private (IngestionMixWorkload.Message[] Messages, DecodedBatch Batch, List<AlarmTransition> Output)[] _partitions = null!;
    private long _now;

    [GlobalSetup]
    public void Setup()
    {
        _workload = new IngestionMixWorkload();
        if (_workload.JsonMessages.Length != JsonMessages)
        {
            throw new InvalidOperationException($"The mix holds {_workload.JsonMessages.Length} JSON messages; OperationsPerInvoke says {JsonMessages}.");
        }

        _batch = new DecodedBatch();
        _output = new List<AlarmTransition>(32);
        _now = 1_732_250_000_000;
        // Two partitions by device, as the server shards: each owns its devices' state.
        _partitions =
        [
            (_workload.Messages.Where(m => m.DeviceIndex % 2 == 0).ToArray(), new DecodedBatch(), new List<AlarmTransition>(32)),
            (_workload.Messages.Where(m => m.DeviceIndex % 2 == 1).ToArray(), new DecodedBatch(), new List<AlarmTransition>(32)),
        ];
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = JsonMessages)]
    public int BareJsonReaderPass()
    {
        var tokens = 0;
        foreach (var message in _workload.JsonMessages)
        {
            var reader = new Utf8JsonReader(message.Payload);
            while (reader.Read())
            {
                tokens++;
            }
        }

        return tokens;
    }

    [Benchmark(OperationsPerInvoke = JsonMessages)]
    public int DecodeAndRulesJsonOnly() => _workload.Process(_workload.JsonMessages, _batch, _output, _now += 1000);

    [Benchmark(OperationsPerInvoke = IngestionMixWorkload.MessageCount)]
    public int DecodeAndRulesMixOneCore() => _workload.Process(_workload.Messages, _batch, _output, _now += 1000);

    [Benchmark(OperationsPerInvoke = IngestionMixWorkload.MessageCount)]
    public int DecodeAndRulesMixTwoPartitions()
    {
        var now = _now += 1000;
        var second = 0;
        var p = _partitions;
        Parallel.Invoke(
            () => _workload.Process(p[0].Messages, p[0].Batch, p[0].Output, now),
            () => second = _workload.Process(p[1].Messages, p[1].Batch, p[1].Output, now));
        return second;
    }

    // 85 % of 20,000 by construction; checked in Setup.
    private const int JsonMessages = 17_000;
}
