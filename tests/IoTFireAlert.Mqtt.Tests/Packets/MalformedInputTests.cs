using System.Buffers;
using IoTFireAlert.Mqtt.Packets;
using IoTFireAlert.Mqtt.V5;

namespace IoTFireAlert.Mqtt.Tests.Packets;

public sealed class MalformedInputTests
{
    private static MqttProtocolException Reject(byte[] packet, MqttProtocolVersion version = MqttProtocolVersion.V500) =>
        Assert.Throws<MqttProtocolException>(() => MqttPacketFormatter.Decode(packet, version));

    [Fact]
    public void Scanner_RemainingLengthOfFiveBytes_Throws()
    {
        var error = Assert.Throws<MqttProtocolException>(() =>
            MqttFrameScanner.TryScan(new ReadOnlySequence<byte>([0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]), int.MaxValue, out _));
        Assert.Equal(MqttReasonCode.MalformedPacket, error.ReasonCode);
    }

    [Fact]
    public void Scanner_ReservedPacketTypeZero_Throws()
    {
        Assert.Throws<MqttProtocolException>(() => MqttFrameScanner.TryScan(new ReadOnlySequence<byte>([0x00, 0x00]), int.MaxValue, out _));
    }

    [Fact]
    public void Decode_TruncatedProperties_Throws()
    {
        // PUBLISH QoS 0, topic "t", Property Length 5 but only 2 property bytes follow.
        Reject([0x30, 0x06, 0x00, 0x01, (byte)'t', 0x05, 0x01, 0x01]);
    }

    [Fact]
    public void Decode_UnknownProperty_Throws()
    {
        Reject([0x30, 0x06, 0x00, 0x01, (byte)'t', 0x02, 0x7F, 0x01]);
    }

    [Fact]
    public void Decode_PropertyNotAllowedInPacket_ThrowsProtocolError()
    {
        // PUBACK carrying Session Expiry Interval.
        var error = Reject([0x40, 0x09, 0x00, 0x01, 0x00, 0x05, 0x11, 0, 0, 0, 1]);
        Assert.Equal(MqttReasonCode.ProtocolError, error.ReasonCode);
    }

    [Fact]
    public void Decode_DuplicateProperty_ThrowsProtocolError()
    {
        var error = Reject([0x20, 0x08, 0x00, 0x00, 0x05, 0x24, 0x01, 0x24, 0x01, 0x00]);
        Assert.Equal(MqttReasonCode.ProtocolError, error.ReasonCode);
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void Decode_InvalidUtf8Topic_Throws(MqttProtocolVersion version)
    {
        byte[] packet = version == MqttProtocolVersion.V500
            ? [0x30, 0x06, 0x00, 0x02, 0xC3, 0x28, 0x00, (byte)'x']
            : [0x30, 0x05, 0x00, 0x02, 0xC3, 0x28, (byte)'x'];
        Reject(packet, version);
    }

    [Fact]
    public void Decode_NullCharacterInTopic_Throws()
    {
        Reject([0x30, 0x05, 0x00, 0x02, (byte)'a', 0x00, (byte)'x'], MqttProtocolVersion.V311);
    }

    [Fact]
    public void Decode_WildcardInTopicName_ThrowsTopicNameInvalid()
    {
        var error = Reject([0x30, 0x05, 0x00, 0x03, (byte)'a', (byte)'/', (byte)'#'], MqttProtocolVersion.V311);
        Assert.Equal(MqttReasonCode.TopicNameInvalid, error.ReasonCode);
    }

    [Theory]
    [InlineData(new byte[] { 0x36, 0x05, 0x00, 0x01, (byte)'t', 0x00, 0x01 })] // PUBLISH QoS 3
    [InlineData(new byte[] { 0x38, 0x03, 0x00, 0x01, (byte)'t' })] // DUP at QoS 0
    [InlineData(new byte[] { 0x41, 0x02, 0x00, 0x01 })] // PUBACK flags 1
    [InlineData(new byte[] { 0x60, 0x02, 0x00, 0x01 })] // PUBREL flags 0 instead of 2
    [InlineData(new byte[] { 0x80, 0x06, 0x00, 0x01, 0x00, 0x01, (byte)'a', 0x01 })] // SUBSCRIBE flags 0
    [InlineData(new byte[] { 0xC1, 0x00 })] // PINGREQ flags 1
    [InlineData(new byte[] { 0x40, 0x02, 0x00, 0x00 })] // packet id 0
    [InlineData(new byte[] { 0xD0, 0x01, 0x00 })] // PINGRESP with a body
    [InlineData(new byte[] { 0x82, 0x03, 0x00, 0x01, 0x00 })] // SUBSCRIBE without a filter
    [InlineData(new byte[] { 0x82, 0x06, 0x00, 0x01, 0x00, 0x01, (byte)'a', 0x03 })] // subscription QoS 3
    [InlineData(new byte[] { 0xF0, 0x00 })] // AUTH does not exist in 3.1.1
    [InlineData(new byte[] { 0x20, 0x02, 0x00, 0x09 })] // CONNACK return code 9
    public void Decode_BadFlagsOrFields_V311_Throws(byte[] packet)
    {
        Reject(packet, MqttProtocolVersion.V311);
    }

    [Fact]
    public void Decode_RandomGarbage_OnlyProtocolExceptions()
    {
        var random = new Random(20240611);
        var buffer = new byte[64];
        foreach (var version in new[] { MqttProtocolVersion.V311, MqttProtocolVersion.V500 })
        {
            for (var i = 0; i < 50_000; i++)
            {
                var length = random.Next(1, buffer.Length);
                random.NextBytes(buffer.AsSpan(0, length));
                if (random.Next(2) == 0)
                {
                    // Structured: a plausible header whose length fits, so the body decoders see the garbage.
                    buffer[0] = (byte)((random.Next(1, 16) << 4) | random.Next(16));
                    buffer[1] = (byte)(length - 2);
                }

                DecodeAll(buffer.AsSpan(0, length).ToArray(), version);
            }
        }
    }

    [Fact]
    public void Decode_EveryTruncationAndBitFlipOfValidPackets_OnlyProtocolExceptions()
    {
        foreach (var version in new[] { MqttProtocolVersion.V311, MqttProtocolVersion.V500 })
        {
            foreach (var packet in SampleData.Packets(version))
            {
                var bytes = SampleData.Encode(packet, version);
                if (bytes.Length > 2000)
                {
                    continue;
                }

                for (var i = 0; i < bytes.Length; i++)
                {
                    // Shorten the announced body by cutting bytes but keep the header consistent.
                    var corrupt = (byte[])bytes.Clone();
                    for (var bit = 0; bit < 8; bit++)
                    {
                        corrupt[i] = (byte)(bytes[i] ^ (1 << bit));
                        DecodeAll(corrupt, version);
                    }
                }
            }
        }
    }

    private static void DecodeAll(byte[] data, MqttProtocolVersion version)
    {
        var sequence = new ReadOnlySequence<byte>(data);
        try
        {
            while (MqttFrameScanner.TryScan(sequence, 1 << 20, out var frame) == OperationStatus.Done)
            {
                var body = sequence.Slice(frame.HeaderLength, frame.BodyLength).FirstSpan;
                if (frame.Type == MqttPacketType.Publish)
                {
                    var view = version == MqttProtocolVersion.V500 ? V5.MqttV5Decoder.DecodePublish(frame.Header, body) : V3.MqttV3Decoder.DecodePublish(frame.Header, body);
                    var reader = new MqttV5PropertiesReader(view.Properties);
                    while (reader.TryReadNext(out _, out _, out _, out _))
                    {
                    }
                }

                MqttPacketFormatter.Decode(frame, body, version);
                sequence = sequence.Slice(frame.TotalLength);
            }
        }
        catch (MqttProtocolException)
        {
            // The one allowed outcome for bad input besides "need more data".
        }
    }
}
