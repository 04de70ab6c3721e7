using System.Threading.Channels;
using IoTFireAlert.TestSupport;

namespace IoTFireAlert.Mqtt.IntegrationTests;

/// <summary>Small conveniences for tests talking to a real broker.</summary>
internal static class Clients
{
    /// <summary>Options for a client of the test broker; <paramref name="receiveThread"/> reads on the client's own thread (<see cref="MqttClientOptions.ReceiveThread"/>).</summary>
    public static MqttClientOptions Options(MosquittoBroker broker, string clientId, MqttProtocolVersion version = MqttProtocolVersion.V500, bool receiveThread = false) => new()
    {
        ReceiveThread = receiveThread,
        Host = "127.0.0.1",
        Port = broker.Port,
        ClientId = clientId,
        ProtocolVersion = version,
        KeepAliveSeconds = 10,
        Reconnect = new MqttReconnectOptions { InitialDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromSeconds(1) },
    };

    public static async Task<MqttClient> ConnectAsync(MqttClientOptions options)
    {
        var client = new MqttClient(options);
        await client.ConnectAsync();
        return client;
    }

    /// <summary>Reads <paramref name="count"/> messages (acknowledging and disposing each unless told otherwise) or fails after the timeout.</summary>
    public static async Task<List<(string Topic, byte[] Payload, MqttQualityOfService QoS, bool Dup)>> ReceiveAsync(MqttClient client, int count, TimeSpan? timeout = null, bool acknowledge = true)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        var list = new List<(string, byte[], MqttQualityOfService, bool)>();
        try
        {
            while (list.Count < count && await client.Messages.WaitToReadAsync(cts.Token))
            {
                while (list.Count < count && client.Messages.TryRead(out var message))
                {
                    list.Add((message.Topic, message.Payload.ToArray(), message.QoS, message.Dup));
                    if (acknowledge)
                    {
                        client.Acknowledge(in message);
                    }

                    message.Dispose();
                }
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"Received {list.Count} of {count} messages before the timeout.");
        }

        return list;
    }

    /// <summary>True when nothing arrives within the window (used after the real assertions, to prove absence).</summary>
    public static async Task<bool> NothingArrivesAsync(ChannelReader<MqttInboundMessage> reader, TimeSpan window)
    {
        using var cts = new CancellationTokenSource(window);
        try
        {
            await reader.WaitToReadAsync(cts.Token);
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    /// <summary>
    /// Returns once the broker has read every acknowledgement <paramref name="client"/> owes. One that has
    /// left the client may not have been read yet, and a reconnection the broker reads first takes the
    /// session over and redelivers what it has not seen acknowledged. The broker reads a connection in
    /// order, so its answer to a SUBSCRIBE sent after the acknowledgements says it has read them.
    /// </summary>
    public static async Task WaitUntilBrokerHasReadTheAcksAsync(MqttClient client)
    {
        await WaitUntilAsync(() => client.UnacknowledgedCount == 0, TimeSpan.FromSeconds(5), "every acknowledgement left");
        await client.SubscribeAsync([new MqttSubscription("acks-read-barrier", MqttQualityOfService.AtMostOnce)]);
    }

    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("Timed out waiting until " + what);
            }

            await Task.Delay(20);
        }
    }
}
