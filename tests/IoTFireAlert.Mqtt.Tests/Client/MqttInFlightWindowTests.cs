namespace IoTFireAlert.Mqtt.Tests.Client;

public sealed class MqttInFlightWindowTests
{
    [Fact]
    public async Task ReleaseBatch_FullWindowWithWaiters_WakesAsManyAsFreed()
    {
        var window = new MqttInFlightWindow(2);
        Assert.True(window.TryAcquire());
        Assert.True(window.TryAcquire());
        var waiters = Enumerable.Range(0, 3).Select(_ => window.AcquireAsync(CancellationToken.None).AsTask()).ToArray();
        Assert.All(waiters, w => Assert.False(w.IsCompleted));

        window.Release(2);
        await Task.WhenAny(Task.WhenAll(waiters[0], waiters[1]), Task.Delay(TimeSpan.FromSeconds(5)));

        Assert.Equal(2, waiters.Count(w => w.IsCompletedSuccessfully));
        Assert.Equal(2, window.InUse);
        window.Release(1);
        await Task.WhenAll(waiters).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(2, window.InUse);
    }

    [Fact]
    public void ReleaseBatch_NoWaiters_FreesSlots()
    {
        var window = new MqttInFlightWindow(4);
        for (var i = 0; i < 4; i++)
        {
            Assert.True(window.TryAcquire());
        }

        window.Release(0);
        Assert.False(window.TryAcquire());
        window.Release(3);
        Assert.Equal(1, window.InUse);
    }
}
