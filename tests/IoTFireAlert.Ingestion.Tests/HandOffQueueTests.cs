namespace IoTFireAlert.Ingestion.Tests;

public sealed class HandOffQueueTests
{
    private static readonly TimeSpan Hung = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ManyProducers_OneConsumer_EveryItemOnceInEachProducersOrder_NeverMoreThanTheCapacity(bool consumerOnAThreadOfItsOwn)
    {
        const int Producers = 4;
        const int PerProducer = 50_000;
        const int Capacity = 64;
        var queue = new HandOffQueue<(int Producer, int Index)>(Capacity);
        var received = new List<(int Producer, int Index)>();
        var mostQueued = 0;
        var consumer = Consume(queue, consumerOnAThreadOfItsOwn, item =>
        {
            mostQueued = Math.Max(mostQueued, queue.Count);
            received.Add(item);
        });

        await Task.WhenAll(Enumerable.Range(0, Producers).Select(producer => Task.Run(async () =>
        {
            for (var i = 0; i < PerProducer; i++)
            {
                if (!queue.TryEnqueue((producer, i)))
                {
                    await queue.EnqueueAsync((producer, i), CancellationToken.None);
                }
            }
        }))).WaitAsync(Hung);
        queue.Complete();
        await consumer.WaitAsync(Hung);

        Assert.Equal(Producers * PerProducer, received.Count);
        for (var producer = 0; producer < Producers; producer++)
        {
            Assert.Equal(Enumerable.Range(0, PerProducer), received.Where(r => r.Producer == producer).Select(r => r.Index));
        }

        Assert.InRange(mostQueued, 1, Capacity);
        Assert.Equal(0, queue.Count);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ConsumerAsleepOnAnEmptyQueue_IsWokenByEveryItem(bool consumerOnAThreadOfItsOwn)
    {
        var queue = new HandOffQueue<int>(8);
        using var taken = new SemaphoreSlim(0);
        var sum = 0;
        var consumer = Consume(queue, consumerOnAThreadOfItsOwn, item =>
        {
            sum += item;
            taken.Release();
        });

        // One item at a time, the next only once the last was taken: the consumer goes back to sleep
        // between them, so a wake-up lost to a race would hang here.
        for (var i = 1; i <= 5_000; i++)
        {
            Assert.True(queue.TryEnqueue(i));
            Assert.True(await taken.WaitAsync(Hung), $"item {i} was not taken: the consumer was not woken");
        }

        queue.Complete();
        await consumer.WaitAsync(Hung);
        Assert.Equal(5_000 * 5_001 / 2, sum);
    }

    [Fact]
    public async Task FullQueue_RefusesATry_AndAWaitingProducerGoesOnOnceTheConsumerMakesRoom()
    {
        var queue = new HandOffQueue<int>(2);
        Assert.True(queue.TryEnqueue(1));
        Assert.True(queue.TryEnqueue(2));
        Assert.False(queue.TryEnqueue(3));
        Assert.Equal(2, queue.Count);

        var waiting = queue.EnqueueAsync(3, CancellationToken.None).AsTask();
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);

        Assert.True(queue.TryDequeue(out var first));
        await waiting.WaitAsync(Hung);
        Assert.Equal(1, first);
        Assert.Equal([2, 3], Drain(queue));
    }

    [Fact]
    public async Task Completed_ConsumerDrainsWhatIsQueuedThenStops_LaterItemsRefused()
    {
        var queue = new HandOffQueue<int>(1);
        Assert.True(queue.TryEnqueue(7));
        var waiting = queue.EnqueueAsync(8, CancellationToken.None).AsTask();

        queue.Complete();

        // The producer waiting for room is told the queue is closed, not left waiting.
        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting.WaitAsync(Hung));
        Assert.False(queue.TryEnqueue(9));
        Assert.True(queue.WaitForItems(CancellationToken.None));
        Assert.Equal([7], Drain(queue));
        Assert.False(queue.WaitForItems(CancellationToken.None));
    }

    [Fact]
    public async Task BlockingWait_EndsWhenItsTokenFires_AndTheNextItemStillWakesIt()
    {
        var queue = new HandOffQueue<int>(4);
        using var due = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        Assert.Throws<OperationCanceledException>(() => queue.WaitForItems(due.Token));

        var writer = Task.Factory.StartNew(() => queue.WaitForItems(CancellationToken.None), TaskCreationOptions.LongRunning);
        await Task.Delay(50);
        Assert.True(queue.TryEnqueue(1));
        Assert.True(await writer.WaitAsync(Hung));
    }

    /// <summary>Takes every item until the queue is completed: blocking on a thread of its own (the store's writer) or awaiting (a partition).</summary>
    private static Task Consume<T>(HandOffQueue<T> queue, bool onAThreadOfItsOwn, Action<T> take)
    {
        if (onAThreadOfItsOwn)
        {
            return Task.Factory.StartNew(
                () =>
                {
                    while (queue.WaitForItems(CancellationToken.None))
                    {
                        while (queue.TryDequeue(out var item))
                        {
                            take(item);
                        }
                    }
                },
                TaskCreationOptions.LongRunning);
        }

        return Task.Run(async () =>
        {
            while (await queue.WaitForItemsAsync())
            {
                while (queue.TryDequeue(out var item))
                {
                    take(item);
                }
            }
        });
    }

    private static List<int> Drain(HandOffQueue<int> queue)
    {
        var items = new List<int>();
        while (queue.TryDequeue(out var item))
        {
            items.Add(item);
        }

        return items;
    }
}
