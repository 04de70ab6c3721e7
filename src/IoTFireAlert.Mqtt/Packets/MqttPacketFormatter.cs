using System.Buffers;
using IoTFireAlert.Mqtt.V3;
using IoTFireAlert.Mqtt.V5;

namespace IoTFireAlert.Mqtt.Packets;

/// <summary>Version dispatch over the V3 / V5 encoders and decoders.</summary>
public static class MqttPacketFormatter
{
    public static int Encode(MqttPacket packet, MqttProtocolVersion version, IBufferWriter<byte> output) =>
        version == MqttProtocolVersion.V500 ? MqttV5Encoder.Encode(packet, output) : MqttV3Encoder.Encode(packet, output);

    /// <summary>Decodes the body of a scanned frame.</summary>
    public static MqttPacket Decode(MqttFrame frame, ReadOnlySpan<byte> body, MqttProtocolVersion version) =>
        version == MqttProtocolVersion.V500 ? MqttV5Decoder.Decode(frame.Header, body) : MqttV3Decoder.Decode(frame.Header, body);

    /// <summary>Scans and decodes exactly one whole packet (tests, tools); throws when incomplete or followed by extra bytes.</summary>
    public static MqttPacket Decode(ReadOnlySpan<byte> packet, MqttProtocolVersion version, int maximumPacketSize = MqttFrameScanner.MaxRemainingLength + 5)
    {
        var status = MqttFrameScanner.TryScan(packet, maximumPacketSize, out var frame);
        if (status != OperationStatus.Done || frame.TotalLength != packet.Length)
        {
            throw new MqttProtocolException("Not exactly one complete packet.", MqttReasonCode.MalformedPacket);
        }

        return Decode(frame, packet.Slice(frame.HeaderLength, frame.BodyLength), version);
    }
}
