using IoTFireAlert.TestSupport;

namespace IoTFireAlert.Mqtt.IntegrationTests;

public sealed class MqttClientBackPressureTests : IDisposable
{
    private readonly MosquittoBroker _broker = MosquittoBroker.Start();

    public void Dispose() => _broker.Dispose();

    [Theory]
    [InlineData(MqttQualityOfService.AtMostOnce, false)]
    [InlineData(MqttQualityOfService.AtLeastOnce, false)]
    [InlineData(MqttQualityOfService.AtMostOnce, true)]
    [InlineData(MqttQualityOfService.AtLeastOnce, true)]
    public async Task StalledConsumer_MemoryStaysBounded_ThenEverythingArrives(MqttQualityOfService qos, bool receiveThread)
    {
        var options = Clients.Options(_broker, "slow-" + qos, receiveThread: receiveThread);
        options.InboundCapacity = 256;
        options.ReceiveMaximum = 512;
        options.CleanStart = false;
        options.SessionExpirySeconds = 600;
        await using var consumer = await Clients.ConnectAsync(options);
        await consumer.SubscribeAsync([new MqttSubscription("flood/#", qos)]);
        await using var producer = await Clients.ConnectAsync(Clients.Options(_broker, "flood-" + qos));

        // 20,000 × 2 KiB = 40 MiB offered while the consumer reads nothing.
        var payload = new byte[2048];
        const int count = 20_000;
        var produce = Task.Run(async () =>
        {
            for (var i = 0; i < count; i++)
            {
                await producer.PublishAsync("flood/x", payload, MqttQualityOfService.AtLeastOnce);
            }
        });

        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        await Task.Delay(3000);
        var held = consumer.PayloadPool.RentedBytes;
        var heapDuring = GC.GetTotalMemory(forceFullCollection: true);

        // At most the channel's worth of pooled buffers (256 × 4 KiB buckets, plus the one
        // waiting for room) is held, not 40 MiB.
        Assert.InRange(held, 1, (256 + 1) * 4096);
        Assert.InRange(consumer.ReceivedCount, 1, 256 + 1);
        Assert.True(heapDuring - heapBefore < 16 * 1024 * 1024, $"heap grew by {heapDuring - heapBefore} bytes while stalled");

        if (qos == MqttQualityOfService.AtLeastOnce)
        {
            var received = await Clients.ReceiveAsync(consumer, count, TimeSpan.FromSeconds(60));
            Assert.Equal(count, received.Count);
        }
        else
        {
            // QoS 0 may be dropped by the broker while we stall; whatever comes must be drained.
            var drained = 0;
            while (!await Clients.NothingArrivesAsync(consumer.Messages, TimeSpan.FromSeconds(1)))
            {
                while (consumer.Messages.TryRead(out var m))
                {
                    m.Dispose();
                    drained++;
                }
            }

            Assert.True(drained > 256, $"only {drained} messages after the stall");
        }

        await produce.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, consumer.PayloadPool.RentedBytes);
    }
}
