using System.Buffers;
using FsCheck;
using FsCheck.Fluent;
using IoTFireAlert.Mqtt.Packets;
using IoTFireAlert.Mqtt.V3;
using IoTFireAlert.Mqtt.V5;

namespace IoTFireAlert.Mqtt.Tests.Packets;

public sealed class PublishPropertyTests
{
    [Fact]
    public void Publish_AnyTopicPayloadQoS_RoundTripsAtBothLevels()
    {
        var topics = Gen.Elements("dev", "acme", "é", "42", "up", "中文", " ")
            .ArrayOf().Where(a => a.Length > 0).Select(a => string.Join('/', a));
        var cases = from topic in topics
                    from payload in ArbMap.Default.GeneratorFor<byte[]>()
                    from qos in Gen.Choose(0, 2)
                    from id in Gen.Choose(1, 65535)
                    select (topic, payload, qos, id);
        var property = Prop.ForAll(
            cases.ToArbitrary(),
            c =>
            {
                var (topic, payload, qos, id) = c;
                var packetId = qos == 0 ? (ushort)0 : (ushort)id;
                foreach (var v5 in new[] { false, true })
                {
                    var buffer = new ArrayBufferWriter<byte>();
                    var topicBytes = System.Text.Encoding.UTF8.GetBytes(topic);
                    if (v5)
                    {
                        MqttV5Encoder.WritePublish(buffer, topicBytes, payload, (MqttQualityOfService)qos, qos == 1, qos == 2, packetId);
                    }
                    else
                    {
                        MqttV3Encoder.WritePublish(buffer, topicBytes, payload, (MqttQualityOfService)qos, qos == 1, qos == 2, packetId);
                    }

                    var bytes = buffer.WrittenSpan;
                    if (MqttFrameScanner.TryScan(bytes, int.MaxValue, out var frame) != OperationStatus.Done || frame.TotalLength != bytes.Length)
                    {
                        return false;
                    }

                    var body = bytes.Slice(frame.HeaderLength);
                    var view = v5 ? MqttV5Decoder.DecodePublish(frame.Header, body) : MqttV3Decoder.DecodePublish(frame.Header, body);
                    if (!view.Topic.SequenceEqual(topicBytes) || !view.Payload.SequenceEqual(payload) || (int)view.QoS != qos
                        || view.PacketId != packetId || view.Retain != (qos == 1) || view.Dup != (qos == 2))
                    {
                        return false;
                    }
                }

                return true;
            });
        property.QuickCheckThrowOnFailure();
    }

    [Fact]
    public void VariableByteInteger_AnyValueInRange_RoundTrips()
    {
        Prop.ForAll(Gen.Choose(0, MqttFrameScanner.MaxRemainingLength).ToArbitrary(), value =>
        {
            Span<byte> buffer = stackalloc byte[4];
            var writer = new MqttPacketWriter(buffer);
            writer.WriteVariableByteInteger(value);
            var reader = new MqttPacketReader(buffer[..writer.Position]);
            return writer.Position == MqttPacketWriter.VariableByteIntegerSize(value) && reader.ReadVariableByteInteger() == value && reader.End;
        }).QuickCheckThrowOnFailure();
    }
}
