using System.Text;
using IoTFireAlert.TestSupport;

namespace IoTFireAlert.Mqtt.IntegrationTests;

public sealed class MqttClientQoSTests : IDisposable
{
    private readonly MosquittoBroker _broker = MosquittoBroker.Start();

    public void Dispose() => _broker.Dispose();

    [Theory]
    [InlineData(MqttProtocolVersion.V311, MqttQualityOfService.AtMostOnce)]
    [InlineData(MqttProtocolVersion.V311, MqttQualityOfService.AtLeastOnce)]
    [InlineData(MqttProtocolVersion.V311, MqttQualityOfService.ExactlyOnce)]
    [InlineData(MqttProtocolVersion.V500, MqttQualityOfService.AtMostOnce)]
    [InlineData(MqttProtocolVersion.V500, MqttQualityOfService.AtLeastOnce)]
    [InlineData(MqttProtocolVersion.V500, MqttQualityOfService.ExactlyOnce)]
    public async Task PublishSubscribe_EachQoS_AllMessagesArriveInOrder(MqttProtocolVersion version, MqttQualityOfService qos)
    {
        await using var subscriber = await Clients.ConnectAsync(Clients.Options(_broker, $"sub-{version}-{qos}", version));
        await using var publisher = await Clients.ConnectAsync(Clients.Options(_broker, $"pub-{version}-{qos}", version));
        var granted = await subscriber.SubscribeAsync([new MqttSubscription($"dev/acme/{qos}/+", qos)]);
        Assert.Equal((MqttReasonCode)qos, granted[0]);

        const int count = 500;
        var sends = new List<Task>();
        for (var i = 0; i < count; i++)
        {
            sends.Add(publisher.PublishAsync($"dev/acme/{qos}/up", Encoding.UTF8.GetBytes($"m{i}"), qos).AsTask());
        }

        await Task.WhenAll(sends);
        var received = await Clients.ReceiveAsync(subscriber, count);

        Assert.Equal(Enumerable.Range(0, count).Select(i => $"m{i}"), received.Select(r => Encoding.UTF8.GetString(r.Payload)));
        Assert.All(received, r => Assert.Equal(qos, r.QoS));
        Assert.All(received, r => Assert.Equal($"dev/acme/{qos}/up", r.Topic));
        await Clients.WaitUntilAsync(() => subscriber.UnacknowledgedCount == 0 && publisher.OutboundInFlight == 0, TimeSpan.FromSeconds(10), "every ack has left");
    }

    [Fact]
    public async Task SmallWindow_IdTableWrapsManyTimes_EveryQoS1AndQoS2MessageArrivesOnce()
    {
        // A window of 8 gives an id table of 2,048 slots: 6,000 publishes reuse each id about three times.
        var options = Clients.Options(_broker, "pub-small-window");
        options.MaximumOutboundInFlight = 8;
        await using var subscriber = await Clients.ConnectAsync(Clients.Options(_broker, "sub-small-window"));
        await using var publisher = await Clients.ConnectAsync(options);
        await subscriber.SubscribeAsync([new MqttSubscription("wrap/#", MqttQualityOfService.ExactlyOnce)]);

        const int count = 6000;
        var sends = new List<Task>();
        for (var i = 0; i < count; i++)
        {
            var qos = i % 2 == 0 ? MqttQualityOfService.AtLeastOnce : MqttQualityOfService.ExactlyOnce;
            sends.Add(publisher.PublishAsync("wrap/1", Encoding.UTF8.GetBytes($"m{i}"), qos).AsTask());
        }

        await Task.WhenAll(sends);
        var received = await Clients.ReceiveAsync(subscriber, count, TimeSpan.FromSeconds(60));

        // Order holds per QoS level (§4.6), not across QoS 1 and QoS 2: each level in order, each message once.
        foreach (var qos in new[] { MqttQualityOfService.AtLeastOnce, MqttQualityOfService.ExactlyOnce })
        {
            var first = qos == MqttQualityOfService.AtLeastOnce ? 0 : 1;
            Assert.Equal(
                Enumerable.Range(0, count / 2).Select(i => $"m{(2 * i) + first}"),
                received.Where(r => r.QoS == qos).Select(r => Encoding.UTF8.GetString(r.Payload)));
        }

        Assert.Equal(0, publisher.OutboundInFlight);
        Assert.True(await Clients.NothingArrivesAsync(subscriber.Messages, TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task Publish_V5UserPropertiesAndExpiry_ReachSubscriber()
    {
        await using var subscriber = await Clients.ConnectAsync(Clients.Options(_broker, "sub-props"));
        await using var publisher = await Clients.ConnectAsync(Clients.Options(_broker, "pub-props"));
        await subscriber.SubscribeAsync([new MqttSubscription("props/#", MqttQualityOfService.AtLeastOnce)]);

        await publisher.PublishAsync(new MqttApplicationMessage
        {
            Topic = "props/1",
            Payload = "x"u8.ToArray(),
            QoS = MqttQualityOfService.AtLeastOnce,
            MessageExpirySeconds = 600,
            UserProperties = [new("vendor", "acme"), new("fw", "1.2")],
        });

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var message = await subscriber.Messages.ReadAsync(cts.Token);
        Assert.True(message.TryGetUserProperty("vendor"u8, out var vendor));
        Assert.Equal("acme", Encoding.UTF8.GetString(vendor));
        Assert.Equal([new("vendor", "acme"), new("fw", "1.2")], message.GetUserProperties());
        Assert.InRange(message.MessageExpirySeconds ?? 0, 590u, 600u);
        subscriber.Acknowledge(in message);
        message.Dispose();
    }

    [Fact]
    public async Task Publish_AboveBrokerMaximumPacketSize_ThrowsPacketTooLarge()
    {
        using var broker = MosquittoBroker.Start("max_packet_size 1000");
        await using var client = await Clients.ConnectAsync(Clients.Options(broker, "big"));

        var error = await Assert.ThrowsAsync<MqttProtocolException>(async () => await client.PublishAsync("big/1", new byte[5000]));

        Assert.Equal(MqttReasonCode.PacketTooLarge, error.ReasonCode);
        await client.PublishAsync("big/1", new byte[100]);
    }

    [Fact]
    public async Task SharedSubscription_TwoConsumers_SplitTheMessages()
    {
        await using var a = await Clients.ConnectAsync(Clients.Options(_broker, "share-a"));
        await using var b = await Clients.ConnectAsync(Clients.Options(_broker, "share-b"));
        await using var publisher = await Clients.ConnectAsync(Clients.Options(_broker, "share-pub"));
        await a.SubscribeAsync([new MqttSubscription("$share/iotfire/dev/+/+/up", MqttQualityOfService.AtLeastOnce)]);
        await b.SubscribeAsync([new MqttSubscription("$share/iotfire/dev/+/+/up", MqttQualityOfService.AtLeastOnce)]);

        const int count = 400;
        for (var i = 0; i < count; i++)
        {
            await publisher.PublishAsync($"dev/acme/{i}/up", Encoding.UTF8.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        var seen = new HashSet<string>();
        var perClient = new int[2];
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (seen.Count < count && DateTime.UtcNow < deadline)
        {
            foreach (var (client, index) in new[] { (a, 0), (b, 1) })
            {
                while (client.Messages.TryRead(out var m))
                {
                    Assert.True(seen.Add(Encoding.UTF8.GetString(m.PayloadSpan)), "a shared message arrived twice");
                    perClient[index]++;
                    client.Acknowledge(in m);
                    m.Dispose();
                }
            }

            await Task.Delay(10);
        }

        Assert.Equal(count, seen.Count);
        Assert.True(perClient[0] > 0 && perClient[1] > 0, $"split {perClient[0]}/{perClient[1]}");
    }
}
