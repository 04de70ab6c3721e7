using IoTFireAlert.Telemetry.Sqlite;

namespace IoTFireAlert.Telemetry.Tests.Sqlite;

public sealed class WriteQueueTests
{
    private static readonly TimeSpan Hung = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ManyCallers_OneWriter_EveryItemOnceInEachCallersOrder_NeverMoreThanTheCapacity()
    {
        const int Callers = 4;
        const int PerCaller = 50_000;
        const int Capacity = 64;
        using var queue = new WriteQueue<(int Caller, int Index)>(Capacity);
        var received = new List<(int Caller, int Index)>();
        var mostQueued = 0;
        var writer = Task.Factory.StartNew(
            () =>
            {
                while (queue.WaitForItems(CancellationToken.None))
                {
                    mostQueued = Math.Max(mostQueued, queue.Count);
                    while (queue.TryDequeue(out var item))
                    {
                        received.Add(item);
                    }
                }
            },
            TaskCreationOptions.LongRunning);

        await Task.WhenAll(Enumerable.Range(0, Callers).Select(caller => Task.Run(async () =>
        {
            for (var i = 0; i < PerCaller; i++)
            {
                if (!queue.TryEnqueue((caller, i)))
                {
                    await queue.EnqueueAsync((caller, i), CancellationToken.None);
                }
            }
        }))).WaitAsync(Hung);
        queue.Complete();
        await writer.WaitAsync(Hung);

        Assert.Equal(Callers * PerCaller, received.Count);
        for (var caller = 0; caller < Callers; caller++)
        {
            Assert.Equal(Enumerable.Range(0, PerCaller), received.Where(r => r.Caller == caller).Select(r => r.Index));
        }

        Assert.InRange(mostQueued, 1, Capacity);
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task WriterAsleepOnAnEmptyQueue_IsWokenByEveryItem()
    {
        using var queue = new WriteQueue<int>(8);
        using var taken = new SemaphoreSlim(0);
        var writer = Task.Factory.StartNew(
            () =>
            {
                var sum = 0;
                while (queue.WaitForItems(CancellationToken.None))
                {
                    while (queue.TryDequeue(out var item))
                    {
                        sum += item;
                        taken.Release();
                    }
                }

                return sum;
            },
            TaskCreationOptions.LongRunning);

        // One item at a time, the next only once the last was taken: the writer goes back to sleep
        // between them, so a wake-up lost to a race would hang here.
        for (var i = 1; i <= 5_000; i++)
        {
            Assert.True(queue.TryEnqueue(i));
            Assert.True(await taken.WaitAsync(Hung), $"item {i} was not taken: the writer was not woken");
        }

        queue.Complete();
        Assert.Equal(5_000 * 5_001 / 2, await writer.WaitAsync(Hung));
    }

    [Fact]
    public async Task FullQueue_RefusesATry_AndAWaitingCallerGoesOnOnceTheWriterMakesRoom()
    {
        using var queue = new WriteQueue<int>(2);
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
    public async Task Completed_WriterDrainsWhatIsQueuedThenStops_LaterItemsRefused()
    {
        using var queue = new WriteQueue<int>(1);
        Assert.True(queue.TryEnqueue(7));
        var waiting = queue.EnqueueAsync(8, CancellationToken.None).AsTask();

        queue.Complete();

        // The caller waiting for room is told the queue is closed, not left waiting.
        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting.WaitAsync(Hung));
        Assert.False(queue.TryEnqueue(9));
        Assert.True(queue.WaitForItems(CancellationToken.None));
        Assert.Equal([7], Drain(queue));
        Assert.False(queue.WaitForItems(CancellationToken.None));
    }

    [Fact]
    public async Task WriterWait_EndsWhenItsTokenFires_AndTheNextItemStillWakesIt()
    {
        using var queue = new WriteQueue<int>(4);
        using var due = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        Assert.Throws<OperationCanceledException>(() => queue.WaitForItems(due.Token));

        var writer = Task.Factory.StartNew(() => queue.WaitForItems(CancellationToken.None), TaskCreationOptions.LongRunning);
        await Task.Delay(50);
        Assert.True(queue.TryEnqueue(1));
        Assert.True(await writer.WaitAsync(Hung));
    }

    private static List<int> Drain(WriteQueue<int> queue)
    {
        var items = new List<int>();
        while (queue.TryDequeue(out var item))
        {
            items.Add(item);
        }

        return items;
    }
}
