using System.Buffers;
using BenchmarkDotNet.Attributes;
using IoTFireAlert.Mqtt;
using IoTFireAlert.Mqtt.Packets;
using IoTFireAlert.Mqtt.V3;
using IoTFireAlert.Mqtt.V5;

namespace IoTFireAlert.Benchmarks.Mqtt;

/// <summary>Frame scan + PUBLISH decode from a pipe-like sequence, 150-byte payload: 0 B per message.</summary>
public class PublishDecodeBenchmarks
{
    private ReadOnlySequence<byte> _v3;
    private ReadOnlySequence<byte> _v5;

    [GlobalSetup]
    public void Setup()
    {
        var v3 = new ArrayBufferWriter<byte>();
        MqttV3Encoder.WritePublish(v3, "dev/acme/000123/up"u8, new byte[150], MqttQualityOfService.AtLeastOnce, false, false, 42);
        _v3 = new ReadOnlySequence<byte>(v3.WrittenMemory);
        var v5 = new ArrayBufferWriter<byte>();
        MqttV5Encoder.WritePublish(v5, "dev/acme/000123/up"u8, new byte[150], MqttQualityOfService.AtLeastOnce, false, false, 42);
        _v5 = new ReadOnlySequence<byte>(v5.WrittenMemory);
    }

    [Benchmark(Baseline = true)]
    public int DecodeV311()
    {
        MqttFrameScanner.TryScan(_v3, int.MaxValue, out var frame);
        var view = MqttV3Decoder.DecodePublish(frame.Header, _v3.FirstSpan.Slice(frame.HeaderLength, frame.BodyLength));
        return view.Payload.Length + view.PacketId;
    }

    [Benchmark]
    public int DecodeV500()
    {
        MqttFrameScanner.TryScan(_v5, int.MaxValue, out var frame);
        var view = MqttV5Decoder.DecodePublish(frame.Header, _v5.FirstSpan.Slice(frame.HeaderLength, frame.BodyLength));
        return view.Payload.Length + view.PacketId;
    }
}
