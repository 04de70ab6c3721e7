using System.Buffers;
using BenchmarkDotNet.Attributes;
using IoTFireAlert.Mqtt;
using IoTFireAlert.Mqtt.V3;
using IoTFireAlert.Mqtt.V5;

namespace IoTFireAlert.Benchmarks.Mqtt;

/// <summary>PUBLISH encode, 150-byte payload, into a reused buffer: the budget is 0 B per message.</summary>
public class PublishEncodeBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(64 * 1024);
    private readonly byte[] _topic = "dev/acme/000123/up"u8.ToArray();
    private readonly byte[] _payload = new byte[150];

    [Benchmark(Baseline = true)]
    public int EncodeV311()
    {
        _output.ResetWrittenCount();
        return MqttV3Encoder.WritePublish(_output, _topic, _payload, MqttQualityOfService.AtLeastOnce, false, false, 42);
    }

    [Benchmark]
    public int EncodeV500()
    {
        _output.ResetWrittenCount();
        return MqttV5Encoder.WritePublish(_output, _topic, _payload, MqttQualityOfService.AtLeastOnce, false, false, 42);
    }
}
