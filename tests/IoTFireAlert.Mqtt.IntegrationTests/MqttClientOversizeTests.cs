using System.Text;
using IoTFireAlert.TestSupport;

namespace IoTFireAlert.Mqtt.IntegrationTests;

/// <summary>
/// A message larger than the subscriber's MaximumPacketSize. At 3.1.1 Mosquitto cannot know our
/// limit and delivers it; the client must acknowledge, skip and report it, or a persistent session
/// would redeliver it on every reconnect and starve every message behind it. At 5.0 the limit
/// goes out in CONNECT and Mosquitto drops the message itself.
/// </summary>
public sealed class MqttClientOversizeTests : IDisposable
{
    private const int Limit = 1024;
    private readonly MosquittoBroker _broker = MosquittoBroker.Start();

    public void Dispose() => _broker.Dispose();

    private MqttClientOptions Subscriber(string id, MqttProtocolVersion version)
    {
        var options = Clients.Options(_broker, id, version);
        options.CleanStart = false;
        options.SessionExpirySeconds = 3600;
        options.MaximumPacketSize = Limit;
        return options;
    }

    private async Task PublishSmallBigSmallAsync(string topic, MqttProtocolVersion version)
    {
        await using var publisher = await Clients.ConnectAsync(Clients.Options(_broker, topic + "-pub", version));
        await publisher.PublishAsync(topic + "/small", "first"u8.ToArray());
        await publisher.PublishAsync(topic + "/big", new byte[20_000]);
        await publisher.PublishAsync(topic + "/small", "second"u8.ToArray());
    }

    [Fact]
    public async Task V311PersistentSession_SmallOversizeSmall_BothSmallOnceOversizeReportedOnceNoReconnect()
    {
        var reports = new List<MqttOversizeMessageEventArgs>();
        var states = new List<MqttConnectionState>();
        var subscriber = new MqttClient(Subscriber("oversize-311", MqttProtocolVersion.V311));
        subscriber.OversizeMessageDiscarded += (_, e) => { lock (reports) { reports.Add(e); } };
        subscriber.ConnectionStateChanged += (_, e) => { lock (states) { states.Add(e.State); } };
        await subscriber.ConnectAsync();
        await subscriber.SubscribeAsync([new MqttSubscription("big311/#", MqttQualityOfService.AtLeastOnce)]);

        await PublishSmallBigSmallAsync("big311", MqttProtocolVersion.V311);

        var received = await Clients.ReceiveAsync(subscriber, 2);
        Assert.Equal(["first", "second"], received.Select(r => Encoding.UTF8.GetString(r.Payload)));
        await Clients.WaitUntilAsync(() => subscriber.UnacknowledgedCount == 0, TimeSpan.FromSeconds(5), "every PUBACK left");
        Assert.True(await Clients.NothingArrivesAsync(subscriber.Messages, TimeSpan.FromSeconds(1)), "a message arrived twice");
        lock (reports)
        {
            var report = Assert.Single(reports);
            Assert.Equal("big311/big", report.Topic);
            Assert.True(report.PacketSize > 20_000);
            Assert.Equal(Limit, report.MaximumPacketSize);
            Assert.Equal(MqttQualityOfService.AtLeastOnce, report.QoS);
        }

        lock (states)
        {
            Assert.Equal([MqttConnectionState.Connecting, MqttConnectionState.Connected], states);
        }

        // The session resumes without the oversize message: its PUBACK reached the broker.
        await subscriber.DisposeAsync();
        await using var again = new MqttClient(Subscriber("oversize-311", MqttProtocolVersion.V311));
        again.OversizeMessageDiscarded += (_, e) => { lock (reports) { reports.Add(e); } };
        Assert.True((await again.ConnectAsync()).SessionPresent);
        Assert.True(await Clients.NothingArrivesAsync(again.Messages, TimeSpan.FromSeconds(1)), "a message was redelivered");
        Assert.Equal(0, again.OversizeDiscardedCount);
        Assert.Equal(1, subscriber.OversizeDiscardedCount);
    }

    [Fact]
    public async Task V311PersistentSession_OversizeQueuedWhileAway_ReportedOnceAfterReconnectNotRedelivered()
    {
        await using (var first = await Clients.ConnectAsync(Subscriber("away-311", MqttProtocolVersion.V311)))
        {
            await first.SubscribeAsync([new MqttSubscription("away311/#", MqttQualityOfService.AtLeastOnce)]);
            await first.DisconnectAsync();
        }

        await PublishSmallBigSmallAsync("away311", MqttProtocolVersion.V311);

        var reported = 0;
        var subscriber = new MqttClient(Subscriber("away-311", MqttProtocolVersion.V311));
        subscriber.OversizeMessageDiscarded += (_, _) => Interlocked.Increment(ref reported);
        Assert.True((await subscriber.ConnectAsync()).SessionPresent);
        var received = await Clients.ReceiveAsync(subscriber, 2);
        Assert.Equal(["first", "second"], received.Select(r => Encoding.UTF8.GetString(r.Payload)));
        await Clients.WaitUntilBrokerHasReadTheAcksAsync(subscriber);
        await subscriber.DisposeAsync();
        Assert.Equal(1, reported);

        await using var again = await Clients.ConnectAsync(Subscriber("away-311", MqttProtocolVersion.V311));
        Assert.True(await Clients.NothingArrivesAsync(again.Messages, TimeSpan.FromSeconds(1)), "a message was redelivered");
        Assert.Equal(0, again.OversizeDiscardedCount);
    }

    [Fact]
    public async Task V500_MaximumPacketSizeInConnect_BrokerDropsOversizeConnectionKept()
    {
        var states = new List<MqttConnectionState>();
        await using var subscriber = new MqttClient(Subscriber("oversize-500", MqttProtocolVersion.V500));
        subscriber.ConnectionStateChanged += (_, e) => { lock (states) { states.Add(e.State); } };
        await subscriber.ConnectAsync();
        await subscriber.SubscribeAsync([new MqttSubscription("big500/#", MqttQualityOfService.AtLeastOnce)]);

        await PublishSmallBigSmallAsync("big500", MqttProtocolVersion.V500);

        var received = await Clients.ReceiveAsync(subscriber, 2);
        Assert.Equal(["first", "second"], received.Select(r => Encoding.UTF8.GetString(r.Payload)));
        Assert.True(await Clients.NothingArrivesAsync(subscriber.Messages, TimeSpan.FromSeconds(1)));
        Assert.Equal(0, subscriber.OversizeDiscardedCount);
        lock (states)
        {
            Assert.Equal([MqttConnectionState.Connecting, MqttConnectionState.Connected], states);
        }
    }
}
