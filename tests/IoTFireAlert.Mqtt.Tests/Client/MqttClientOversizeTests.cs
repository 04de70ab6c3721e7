using System.Text;
using System.Threading.Channels;
using IoTFireAlert.Mqtt.Packets;

namespace IoTFireAlert.Mqtt.Tests.Client;

/// <summary>
/// An inbound packet above <see cref="MqttClientOptions.MaximumPacketSize"/>. At 3.1.1 an oversize
/// PUBLISH is acknowledged, read past and reported (closing would make a persistent session
/// redeliver it forever); everything else oversize is a protocol error. Against a scripted broker
/// because a real one only sends what we ask for. Not parallel: one test measures allocations.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class MqttClientOversizeTests
{
    private const int Limit = 1024;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private static MqttClientOptions Options(int port, MqttProtocolVersion version) => new()
    {
        Port = port,
        ClientId = "oversize",
        ProtocolVersion = version,
        CleanStart = false,
        KeepAliveSeconds = 0,
        MaximumPacketSize = Limit,
        Reconnect = null,
    };

    /// <summary>A 3.1.1 PUBLISH whose body is followed by <paramref name="payloadLength"/> bytes the caller streams.</summary>
    private static byte[] PublishHeader(string topic, ushort packetId, MqttQualityOfService qos, int payloadLength)
    {
        var topicBytes = Encoding.UTF8.GetBytes(topic);
        var remaining = 2 + topicBytes.Length + (qos == MqttQualityOfService.AtMostOnce ? 0 : 2) + payloadLength;
        var bytes = new List<byte> { (byte)(0x30 | ((int)qos << 1)) };
        do
        {
            var b = (byte)(remaining & 0x7F);
            remaining >>= 7;
            bytes.Add(remaining > 0 ? (byte)(b | 0x80) : b);
        }
        while (remaining > 0);

        bytes.Add((byte)(topicBytes.Length >> 8));
        bytes.Add((byte)topicBytes.Length);
        bytes.AddRange(topicBytes);
        if (qos != MqttQualityOfService.AtMostOnce)
        {
            bytes.Add((byte)(packetId >> 8));
            bytes.Add((byte)packetId);
        }

        return [.. bytes];
    }

    /// <summary>The header a few bytes per write (every split of the variable header), then the payload in 64 KB chunks.</summary>
    private static async Task WriteOversizeAsync(FakeBroker broker, string topic, ushort packetId, MqttQualityOfService qos, int payloadLength, CancellationToken token)
    {
        var header = PublishHeader(topic, packetId, qos, payloadLength);
        for (var i = 0; i < header.Length; i += 3)
        {
            await broker.WriteAsync(header.AsMemory(i, Math.Min(3, header.Length - i)), token);
        }

        var chunk = new byte[64 * 1024];
        for (var left = payloadLength; left > 0; left -= chunk.Length)
        {
            await broker.WriteAsync(chunk.AsMemory(0, Math.Min(chunk.Length, left)), token);
        }
    }

    private static Task WriteSmallAsync(FakeBroker broker, MqttProtocolVersion version, string topic, ushort packetId, MqttQualityOfService qos, CancellationToken token) =>
        broker.WritePacketAsync(new MqttPublishPacket { Topic = topic, Payload = Encoding.UTF8.GetBytes(topic), QoS = qos, PacketId = packetId }, version, token);

    private static async Task<List<string>> ReceiveAsync(MqttClient client, int count, CancellationToken token)
    {
        var topics = new List<string>();
        while (topics.Count < count)
        {
            var message = await client.Messages.ReadAsync(token);
            topics.Add(message.Topic);
            client.Acknowledge(message);
            message.Dispose();
        }

        return topics;
    }

    [Theory]
    [InlineData(MqttQualityOfService.AtLeastOnce)]
    [InlineData(MqttQualityOfService.ExactlyOnce)]
    public async Task OversizePublishV311_BetweenSmallOnes_AcknowledgedInOrderReportedOnceConnectionKept(MqttQualityOfService qos)
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var broker = new FakeBroker();
        await using var client = new MqttClient(Options(broker.Port, MqttProtocolVersion.V311));
        var reports = new List<MqttOversizeMessageEventArgs>();
        var states = new List<MqttConnectionState>();
        client.OversizeMessageDiscarded += (_, e) => reports.Add(e);
        client.ConnectionStateChanged += (_, e) => states.Add(e.State);
        var accept = broker.AcceptAsync(MqttProtocolVersion.V311, cts.Token);
        await client.ConnectAsync(cts.Token);
        await accept;

        await WriteSmallAsync(broker, MqttProtocolVersion.V311, "dev/a/1/up", 1, qos, cts.Token);
        await WriteOversizeAsync(broker, "dev/big/2/up", 2, qos, 300_000, cts.Token);
        await WriteSmallAsync(broker, MqttProtocolVersion.V311, "dev/a/3/up", 3, qos, cts.Token);

        Assert.Equal(["dev/a/1/up", "dev/a/3/up"], await ReceiveAsync(client, 2, cts.Token));
        var expectedAck = qos == MqttQualityOfService.AtLeastOnce ? MqttPacketType.PubAck : MqttPacketType.PubRec;
        for (ushort id = 1; id <= 3; id++)
        {
            var (header, body) = await broker.ReadPacketAsync(cts.Token);
            Assert.Equal(expectedAck, (MqttPacketType)(header >> 4));
            Assert.Equal(id, (ushort)((body[0] << 8) | body[1]));
        }

        var report = Assert.Single(reports);
        Assert.Equal("dev/big/2/up", report.Topic);
        Assert.Equal(PublishHeader("dev/big/2/up", 2, qos, 300_000).Length + 300_000, report.PacketSize);
        Assert.Equal(Limit, report.MaximumPacketSize);
        Assert.Equal(qos, report.QoS);
        Assert.Equal(1, client.OversizeDiscardedCount);
        Assert.Equal(2, client.ReceivedCount);
        Assert.True(client.IsConnected);
        Assert.DoesNotContain(MqttConnectionState.Reconnecting, states);
        Assert.DoesNotContain(MqttConnectionState.Disconnected, states);
    }

    [Fact]
    public async Task OversizePublishV311_QoS0_SkippedReportedNotAcknowledged()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var broker = new FakeBroker();
        await using var client = new MqttClient(Options(broker.Port, MqttProtocolVersion.V311));
        var reported = 0;
        client.OversizeMessageDiscarded += (_, _) => reported++;
        var accept = broker.AcceptAsync(MqttProtocolVersion.V311, cts.Token);
        await client.ConnectAsync(cts.Token);
        await accept;

        await WriteOversizeAsync(broker, "big", 0, MqttQualityOfService.AtMostOnce, 5000, cts.Token);
        await WriteSmallAsync(broker, MqttProtocolVersion.V311, "after", 7, MqttQualityOfService.AtLeastOnce, cts.Token);

        Assert.Equal(["after"], await ReceiveAsync(client, 1, cts.Token));
        var (header, body) = await broker.ReadPacketAsync(cts.Token);
        Assert.Equal(MqttPacketType.PubAck, (MqttPacketType)(header >> 4));
        Assert.Equal(7, (body[0] << 8) | body[1]);
        Assert.Equal(1, reported);
    }

    [Fact]
    public async Task OversizePublishV311_SixtyFourMegabytes_StreamedPastWithoutBufferingIt()
    {
        const int payload = 64 << 20;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var broker = new FakeBroker();
        await using var client = new MqttClient(Options(broker.Port, MqttProtocolVersion.V311));
        var accept = broker.AcceptAsync(MqttProtocolVersion.V311, cts.Token);
        await client.ConnectAsync(cts.Token);
        await accept;

        var before = GC.GetTotalAllocatedBytes(precise: true);
        await WriteOversizeAsync(broker, "huge", 9, MqttQualityOfService.AtLeastOnce, payload, cts.Token);
        await WriteSmallAsync(broker, MqttProtocolVersion.V311, "after", 10, MqttQualityOfService.AtLeastOnce, cts.Token);
        Assert.Equal(["after"], await ReceiveAsync(client, 1, cts.Token));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal(1, client.OversizeDiscardedCount);
        Assert.True(allocated < payload / 8, $"{allocated:N0} bytes allocated while skipping a {payload:N0}-byte packet");
    }

    [Fact]
    public async Task OversizePublishV500_ProtocolErrorDisconnectPacketTooLarge()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var broker = new FakeBroker();
        await using var client = new MqttClient(Options(broker.Port, MqttProtocolVersion.V500));
        var lost = Disconnects(client);
        var accept = broker.AcceptAsync(MqttProtocolVersion.V500, cts.Token);
        await client.ConnectAsync(cts.Token);
        var connect = await accept;
        Assert.Equal((uint)Limit, connect.Properties?.MaximumPacketSize);

        // MQTT 5 PUBLISH: topic, packet id, empty property block, payload.
        await broker.WriteAsync(new byte[] { 0x32, 0xA0, 0x1F, 0x00, 0x01, (byte)'t', 0x00, 0x01, 0x00 }, cts.Token);

        var (header, body) = await broker.ReadPacketAsync(cts.Token);
        Assert.Equal(MqttPacketType.Disconnect, (MqttPacketType)(header >> 4));
        Assert.Equal((byte)MqttReasonCode.PacketTooLarge, body[0]);
        var error = Assert.IsType<MqttProtocolException>(await lost.ReadAsync(cts.Token));
        Assert.Equal(MqttReasonCode.PacketTooLarge, error.ReasonCode);
        Assert.Contains("MaximumPacketSize 1024", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, client.OversizeDiscardedCount);
    }

    [Fact]
    public async Task OversizeNonPublishV311_ClosesWithPacketTooLarge()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var broker = new FakeBroker();
        await using var client = new MqttClient(Options(broker.Port, MqttProtocolVersion.V311));
        var lost = Disconnects(client);
        var accept = broker.AcceptAsync(MqttProtocolVersion.V311, cts.Token);
        await client.ConnectAsync(cts.Token);
        await accept;

        // A SUBACK claiming 4,000 bytes.
        await broker.WriteAsync(new byte[] { 0x90, 0xA0, 0x1F, 0x00, 0x01 }, cts.Token);

        var error = Assert.IsType<MqttProtocolException>(await lost.ReadAsync(cts.Token));
        Assert.Equal(MqttReasonCode.PacketTooLarge, error.ReasonCode);
        Assert.Contains("SubAck", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, client.OversizeDiscardedCount);
    }

    [Fact]
    public async Task OversizePublishV311_BodyShorterThanItsTopic_MalformedNotReported()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var broker = new FakeBroker();
        await using var client = new MqttClient(Options(broker.Port, MqttProtocolVersion.V311));
        var lost = Disconnects(client);
        var reported = 0;
        client.OversizeMessageDiscarded += (_, _) => reported++;
        var accept = broker.AcceptAsync(MqttProtocolVersion.V311, cts.Token);
        await client.ConnectAsync(cts.Token);
        await accept;

        // Remaining Length 2,000 with a topic length of 65,535: the topic runs past the packet.
        var packet = new byte[2003];
        packet[0] = 0x32;
        packet[1] = 0xD0;
        packet[2] = 0x0F;
        packet[3] = 0xFF;
        packet[4] = 0xFF;
        await broker.WriteAsync(packet, cts.Token);

        Assert.IsType<MqttProtocolException>(await lost.ReadAsync(cts.Token));
        Assert.Equal(0, reported);
    }

    /// <summary>The error of each disconnect, as the client reports it.</summary>
    private static ChannelReader<Exception?> Disconnects(MqttClient client)
    {
        var lost = Channel.CreateUnbounded<Exception?>();
        client.ConnectionStateChanged += (_, e) =>
        {
            if (e.State == MqttConnectionState.Disconnected)
            {
                lost.Writer.TryWrite(e.Error);
            }
        };
        return lost.Reader;
    }
}
