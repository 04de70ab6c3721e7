using System.Text;
using IoTFireAlert.TestSupport;

namespace IoTFireAlert.Mqtt.IntegrationTests;

/// <summary>Counts the process's reading threads, so it runs alone: other classes' clients would change the count.</summary>
[CollectionDefinition(nameof(ReceiveThreadCollection), DisableParallelization = true)]
public sealed class ReceiveThreadCollection;

[Collection(nameof(ReceiveThreadCollection))]
public sealed class MqttClientReceiveThreadTests : IDisposable
{
    private readonly MosquittoBroker _broker = MosquittoBroker.Start();

    public void Dispose() => _broker.Dispose();

    [Fact]
    public async Task ReceiveThread_ReadsInOrderOnItsOwnThread_AndDisposingTheIdleClientEndsIt()
    {
        var before = ReadingThreads();
        await using (var subscriber = await Clients.ConnectAsync(Clients.Options(_broker, "own-thread-sub", receiveThread: true)))
        {
            await subscriber.SubscribeAsync([new MqttSubscription("own/#", MqttQualityOfService.AtLeastOnce)]);
            Assert.Equal(before + 1, ReadingThreads());
            await using var publisher = await Clients.ConnectAsync(Clients.Options(_broker, "own-thread-pub"));
            await Task.WhenAll(Enumerable.Range(0, 5000).Select(i => publisher.PublishAsync("own/x", Encoding.ASCII.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture))).AsTask()));

            var received = await Clients.ReceiveAsync(subscriber, 5000);
            Assert.Equal(Enumerable.Range(0, 5000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), received.Select(r => Encoding.ASCII.GetString(r.Payload)));

            // Idle now: the thread waits in a blocking read that only closing the socket can end.
            await Task.Delay(200);
        }

        await Clients.WaitUntilAsync(() => ReadingThreads() == before, TimeSpan.FromSeconds(5), "the client's reading thread ended with it");
    }

    /// <summary>Threads named mqtt-receive in this process (Linux names a thread after Thread.Name).</summary>
    private static int ReadingThreads() => Directory.GetDirectories("/proc/self/task")
        .Count(task => File.Exists(Path.Combine(task, "comm")) && TryRead(Path.Combine(task, "comm")) == "mqtt-receive");

    private static string? TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (IOException)
        {
            return null; // the thread ended while we looked
        }
    }
}
