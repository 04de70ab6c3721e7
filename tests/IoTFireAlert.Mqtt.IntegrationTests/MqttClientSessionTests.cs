using System.Text;
using IoTFireAlert.TestSupport;

namespace IoTFireAlert.Mqtt.IntegrationTests;

public sealed class MqttClientSessionTests : IDisposable
{
    private readonly MosquittoBroker _broker = MosquittoBroker.Start();

    public void Dispose() => _broker.Dispose();

    private MqttClientOptions Persistent(string id, MqttProtocolVersion version = MqttProtocolVersion.V500, bool receiveThread = false)
    {
        var options = Clients.Options(_broker, id, version, receiveThread);
        options.CleanStart = false;
        options.SessionExpirySeconds = 3600;
        return options;
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311, false)]
    [InlineData(MqttProtocolVersion.V500, false)]
    [InlineData(MqttProtocolVersion.V311, true)]
    [InlineData(MqttProtocolVersion.V500, true)]
    public async Task PersistentSession_ThousandMessagesWhileAway_AllArriveAfterReconnect(MqttProtocolVersion version, bool receiveThread)
    {
        var id = $"persist-{version}-{receiveThread}";
        await using (var first = await Clients.ConnectAsync(Persistent(id, version, receiveThread)))
        {
            await first.SubscribeAsync([new MqttSubscription("alarms/#", MqttQualityOfService.AtLeastOnce)]);
            await first.DisconnectAsync();
        }

        await using (var publisher = await Clients.ConnectAsync(Clients.Options(_broker, "persist-pub-" + version, version)))
        {
            var sends = Enumerable.Range(0, 1000).Select(i => publisher.PublishAsync("alarms/" + i, Encoding.UTF8.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture))).AsTask());
            await Task.WhenAll(sends);
        }

        await using var second = new MqttClient(Persistent(id, version, receiveThread));
        var result = await second.ConnectAsync();
        Assert.True(result.SessionPresent);
        var received = await Clients.ReceiveAsync(second, 1000);
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), received.Select(r => Encoding.UTF8.GetString(r.Payload)));
    }

    [Fact]
    public async Task Acknowledge_OutOfOrder_HeldUntilEarlierAckedThenNoLossNoRedelivery()
    {
        await using var publisher = await Clients.ConnectAsync(Clients.Options(_broker, "order-pub"));
        var options = Persistent("order-sub");
        options.Reconnect = null;
        var subscriber = await Clients.ConnectAsync(options);
        await subscriber.SubscribeAsync([new MqttSubscription("order/#", MqttQualityOfService.AtLeastOnce)]);
        for (var i = 0; i < 10; i++)
        {
            await publisher.PublishAsync("order/x", new[] { (byte)i });
        }

        var messages = new List<MqttInboundMessage>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (messages.Count < 10)
        {
            messages.Add(await subscriber.Messages.ReadAsync(cts.Token));
        }

        // Acknowledge 9..1 but not 0: nothing may leave, since PUBACKs go in receive order.
        for (var i = 9; i >= 1; i--)
        {
            Assert.True(subscriber.Acknowledge(messages[i]));
        }

        Assert.False(subscriber.Acknowledge(messages[5]));
        await Task.Delay(300);
        Assert.Equal(10, subscriber.UnacknowledgedCount);

        // Drop the connection: the broker never got a PUBACK, so all ten come back (DUP).
        subscriber.DropConnection();
        await Clients.WaitUntilAsync(() => !subscriber.IsConnected, TimeSpan.FromSeconds(5), "the connection is down");
        Assert.False(subscriber.Acknowledge(messages[0]), "an ack from the old connection must not be sent on a new one");
        messages.ForEach(m => m.Dispose());
        await subscriber.DisposeAsync();

        options = Persistent("order-sub");
        await using var again = await Clients.ConnectAsync(options);
        var redelivered = await Clients.ReceiveAsync(again, 10, acknowledge: false);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (byte)i), redelivered.Select(r => r.Payload[0]));
        Assert.All(redelivered, r => Assert.True(r.Dup));
        await Clients.WaitUntilAsync(() => again.UnacknowledgedCount == 10, TimeSpan.FromSeconds(5), "ten are pending");
    }

    [Fact]
    public async Task Acknowledge_ReverseOrderThenFirst_AllPubAcksLeaveAndNothingIsRedelivered()
    {
        await using var publisher = await Clients.ConnectAsync(Clients.Options(_broker, "rev-pub"));
        var options = Persistent("rev-sub");
        var subscriber = await Clients.ConnectAsync(options);
        await subscriber.SubscribeAsync([new MqttSubscription("rev/#", MqttQualityOfService.AtLeastOnce)]);
        for (var i = 0; i < 50; i++)
        {
            await publisher.PublishAsync("rev/x", new[] { (byte)i });
        }

        var messages = new List<MqttInboundMessage>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (messages.Count < 50)
        {
            messages.Add(await subscriber.Messages.ReadAsync(cts.Token));
        }

        for (var i = 49; i >= 0; i--)
        {
            subscriber.Acknowledge(messages[i]);
            messages[i].Dispose();
        }

        await Clients.WaitUntilBrokerHasReadTheAcksAsync(subscriber);
        await subscriber.DisposeAsync();

        await using var again = await Clients.ConnectAsync(Persistent("rev-sub"));
        Assert.True(await Clients.NothingArrivesAsync(again.Messages, TimeSpan.FromMilliseconds(500)), "acknowledged messages were redelivered");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BrokerRestart_ClientReconnectsResumesSessionAndDeliversQueued(bool receiveThread)
    {
        var states = new List<MqttConnectionState>();
        await using var subscriber = new MqttClient(Persistent("restart-sub", receiveThread: receiveThread));
        subscriber.ConnectionStateChanged += (_, e) => { lock (states) { states.Add(e.State); } };
        await subscriber.ConnectAsync();
        await subscriber.SubscribeAsync([new MqttSubscription("restart/#", MqttQualityOfService.AtLeastOnce)]);

        _broker.Restart();
        await Clients.WaitUntilAsync(() => subscriber.IsConnected && states.Count(s => s == MqttConnectionState.Connected) >= 2, TimeSpan.FromSeconds(20), "the client reconnected");

        await using var publisher = await Clients.ConnectAsync(Clients.Options(_broker, "restart-pub"));
        await publisher.PublishAsync("restart/1", "after"u8.ToArray());
        var received = await Clients.ReceiveAsync(subscriber, 1);
        Assert.Equal("after", Encoding.UTF8.GetString(received[0].Payload));
        lock (states)
        {
            Assert.Contains(MqttConnectionState.Reconnecting, states);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BrokerDown_PublicationsInFlightAreResentAfterReconnect(bool receiveThread)
    {
        await using var subscriber = await Clients.ConnectAsync(Persistent("resend-sub", receiveThread: receiveThread));
        await subscriber.SubscribeAsync([new MqttSubscription("resend/#", MqttQualityOfService.AtLeastOnce)]);
        await using var publisher = await Clients.ConnectAsync(Persistent("resend-pub", receiveThread: receiveThread));

        // A polite stop saves the subscriber's session; publications made while the broker is away queue up.
        _broker.Restart();
        var sends = Enumerable.Range(0, 100).Select(i => publisher.PublishAsync("resend/x", new[] { (byte)i }).AsTask()).ToArray();
        await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(30));

        var received = await Clients.ReceiveAsync(subscriber, 100, TimeSpan.FromSeconds(30));
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (byte)i).ToHashSet(), received.Select(r => r.Payload[0]).ToHashSet());
    }

    [Fact]
    public async Task Will_AbruptDisconnect_BrokerPublishesIt_CleanDisconnect_DoesNot()
    {
        await using var watcher = await Clients.ConnectAsync(Clients.Options(_broker, "will-watch"));
        await watcher.SubscribeAsync([new MqttSubscription("dev/acme/+/state", MqttQualityOfService.AtLeastOnce)]);

        foreach (var abrupt in new[] { false, true })
        {
            var options = Clients.Options(_broker, "will-dev-" + abrupt);
            options.Reconnect = null;
            options.Will = new MqttWillMessage { Topic = $"dev/acme/{abrupt}/state", Payload = "offline"u8.ToArray(), QoS = MqttQualityOfService.AtLeastOnce };
            var device = await Clients.ConnectAsync(options);
            if (abrupt)
            {
                device.DropConnection();
            }

            await device.DisposeAsync();
        }

        var received = await Clients.ReceiveAsync(watcher, 1);
        Assert.Equal("dev/acme/True/state", received[0].Topic);
        Assert.Equal("offline", Encoding.UTF8.GetString(received[0].Payload));
        Assert.True(await Clients.NothingArrivesAsync(watcher.Messages, TimeSpan.FromMilliseconds(300)));
    }
}
