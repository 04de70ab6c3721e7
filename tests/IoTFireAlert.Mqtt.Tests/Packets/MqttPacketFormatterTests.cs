using System.Buffers;
using IoTFireAlert.Mqtt.Packets;

namespace IoTFireAlert.Mqtt.Tests.Packets;

public sealed class MqttPacketFormatterTests
{
    public static TheoryData<MqttProtocolVersion, int> Cases => SampleData.Cases();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Formatter_RoundTrip_DecodesWhatWasEncoded(MqttProtocolVersion version, int index)
    {
        var packet = SampleData.Packets(version).ElementAt(index);
        var bytes = SampleData.Encode(packet, version);

        var decoded = MqttPacketFormatter.Decode(bytes, version);

        Assert.Equal(SampleData.Describe(packet), SampleData.Describe(decoded));
        Assert.Equal(bytes, SampleData.Encode(decoded, version));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Scanner_EveryByteBoundary_NeedsMoreDataUntilCompleteThenSameFrame(MqttProtocolVersion version, int index)
    {
        var bytes = SampleData.Encode(SampleData.Packets(version).ElementAt(index), version);
        var step = bytes.Length > 2000 ? 97 : 1; // the 20 kB PUBLISH: every 97th boundary keeps the run short
        for (var cut = 1; cut < bytes.Length; cut += step)
        {
            var prefix = new ReadOnlySequence<byte>(bytes, 0, cut);
            Assert.Equal(OperationStatus.NeedMoreData, MqttFrameScanner.TryScan(prefix, int.MaxValue, out _));

            var split = SegmentedSequence.Split(bytes, cut, (cut + 1) / 2);
            Assert.Equal(OperationStatus.Done, MqttFrameScanner.TryScan(split, int.MaxValue, out var frame));
            Assert.Equal(bytes.Length, frame.TotalLength);
            var body = split.Slice(frame.HeaderLength, frame.BodyLength).ToArray();
            Assert.Equal(bytes, SampleData.Encode(MqttPacketFormatter.Decode(frame, body, version), version));
        }
    }

    [Fact]
    public void Scanner_ManyPacketsInOneBuffer_FindsEachInTurn()
    {
        var stream = SampleData.Packets(MqttProtocolVersion.V500).SelectMany(p => SampleData.Encode(p, MqttProtocolVersion.V500)).ToArray();
        var sequence = SegmentedSequence.Split(stream, 3, 100, 101, 5000);
        var count = 0;
        while (MqttFrameScanner.TryScan(sequence, int.MaxValue, out var frame) == OperationStatus.Done)
        {
            MqttPacketFormatter.Decode(frame, sequence.Slice(frame.HeaderLength, frame.BodyLength).ToArray(), MqttProtocolVersion.V500);
            sequence = sequence.Slice(frame.TotalLength);
            count++;
        }

        Assert.True(sequence.IsEmpty);
        Assert.Equal(SampleData.Packets(MqttProtocolVersion.V500).Count(), count);
    }

    [Fact]
    public void Scanner_PacketAboveMaximum_ThrowsPacketTooLarge()
    {
        var bytes = SampleData.Encode(new MqttPublishPacket { Topic = "t", Payload = new byte[1000] }, MqttProtocolVersion.V500);

        var error = Assert.Throws<MqttProtocolException>(() => MqttFrameScanner.TryScan(new ReadOnlySequence<byte>(bytes, 0, 3), 500, out _));

        Assert.Equal(MqttReasonCode.PacketTooLarge, error.ReasonCode);
    }

    [Fact]
    public void ScannerHeader_OversizeBodyNotArrived_DoneWithSizeNoLimit()
    {
        var bytes = SampleData.Encode(new MqttPublishPacket { Topic = "t", Payload = new byte[100_000] }, MqttProtocolVersion.V311);

        for (var cut = 0; cut < 8; cut++)
        {
            var status = MqttFrameScanner.TryScanHeader(new ReadOnlySequence<byte>(bytes, 0, cut), out var frame);
            Assert.Equal(cut < 4 ? OperationStatus.NeedMoreData : OperationStatus.Done, status);
            if (status == OperationStatus.Done)
            {
                Assert.Equal(bytes.Length, frame.TotalLength);
                Assert.Equal(MqttPacketType.Publish, frame.Type);
            }
        }
    }
}
