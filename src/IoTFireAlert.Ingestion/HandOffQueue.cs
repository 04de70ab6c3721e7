using System.Collections.Concurrent;
using System.Threading.Tasks.Sources;

namespace IoTFireAlert.Ingestion;

/// <summary>
/// A bounded queue from many producers to one consumer on the alarm path: the router to a partition,
/// the partitions to the telemetry store's writer. A producer that finds room takes no lock: it claims a
/// place with a compare-and-swap on the count and appends to a lock-free queue. Behind a bounded
/// <c>Channel</c>'s lock, a partition waited up to ~6-9 ms whenever the lock's holder lost its core on a
/// busy two-core machine, and every message behind it, alarms included, waited too (bench/RESULTS.md).
/// Locks are taken only to wait: by a producer that finds the queue full. The consumer sleeps on an
/// empty queue through a reusable awaitable (no allocation per wait), woken by the first item after.
/// </summary>
public sealed class HandOffQueue<T>(int capacity) : IValueTaskSource<bool>
{
    private readonly ConcurrentQueue<T> _items = new();
    private ManualResetValueTaskSourceCore<bool> _itemsArrived = new() { RunContinuationsAsynchronously = true };
    private int _count;
    private int _consumerSleeps;
    private int _completed;
    private TaskCompletionSource? _roomMade;

    /// <summary>Items queued, at most the capacity (places claimed, some perhaps still being appended).</summary>
    public int Count => Volatile.Read(ref _count);

    private bool Finished => Volatile.Read(ref _completed) == 1 && Volatile.Read(ref _count) == 0;

    /// <summary>Queues <paramref name="item"/> if there is room: false when the queue is full or completed.</summary>
    public bool TryEnqueue(T item)
    {
        var count = Volatile.Read(ref _count);
        do
        {
            if (count >= capacity)
            {
                return false;
            }
        }
        while (count != (count = Interlocked.CompareExchange(ref _count, count + 1, count)));

        // The place is claimed before completion is checked, and the consumer stops only once completed
        // with no place claimed: an item either lands before the consumer's last look, or is refused.
        var accepted = Volatile.Read(ref _completed) == 0;
        if (accepted)
        {
            _items.Enqueue(item);
        }
        else
        {
            Interlocked.Decrement(ref _count);
        }

        WakeConsumer();
        return accepted;
    }

    /// <summary>Queues <paramref name="item"/>, waiting for room while the queue is full.</summary>
    /// <exception cref="ObjectDisposedException">The queue was completed.</exception>
    public async ValueTask EnqueueAsync(T item, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Armed before the try: room made after it completes this task, so no wake-up is missed.
            var roomMade = Volatile.Read(ref _roomMade) ?? CreateRoomMade();
            if (TryEnqueue(item))
            {
                return;
            }

            ObjectDisposedException.ThrowIf(Volatile.Read(ref _completed) == 1, this);
            await roomMade.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The consumer's side: takes the next item, if any, and makes room for a producer.</summary>
    public bool TryDequeue(out T item)
    {
        if (!_items.TryDequeue(out item!))
        {
            return false;
        }

        Interlocked.Decrement(ref _count);
        if (Volatile.Read(ref _roomMade) is not null)
        {
            Interlocked.Exchange(ref _roomMade, null)?.TrySetResult();
        }

        return true;
    }

    /// <summary>
    /// The consumer's side: true once an item may be queued (<see cref="TryDequeue"/> then tells), false
    /// once the queue is completed and empty. One wait at a time.
    /// </summary>
    public ValueTask<bool> WaitForItemsAsync()
    {
        while (true)
        {
            if (!_items.IsEmpty)
            {
                return new ValueTask<bool>(true);
            }

            if (Finished)
            {
                return new ValueTask<bool>(false);
            }

            if (FallAsleep())
            {
                return new ValueTask<bool>(this, _itemsArrived.Version);
            }
        }
    }

    /// <summary>
    /// <see cref="WaitForItemsAsync"/> for a consumer on a thread of its own: blocks, and throws
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires.
    /// </summary>
    public bool WaitForItems(CancellationToken cancellationToken)
    {
        while (true)
        {
            var wait = WaitForItemsAsync();
            if (wait.IsCompleted)
            {
                return wait.Result;
            }

            var woken = wait.AsTask();
            try
            {
                woken.Wait(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                if (Interlocked.Exchange(ref _consumerSleeps, 0) == 0)
                {
                    woken.Wait(CancellationToken.None); // a producer woke it at the same time: let that land
                }

                throw;
            }
        }
    }

    /// <summary>No more items: the consumer drains what is queued, then its wait returns false.</summary>
    public void Complete()
    {
        Interlocked.Exchange(ref _completed, 1);
        WakeConsumer();
        Interlocked.Exchange(ref _roomMade, null)?.TrySetResult();
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _itemsArrived.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _itemsArrived.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _itemsArrived.OnCompleted(continuation, state, token, flags);

    /// <summary>
    /// Announces the consumer's sleep, then looks at the queue a last time (a full fence each side, here
    /// and in <see cref="WakeConsumer"/>): either it sees the item, or the producer sees it asleep and
    /// wakes it. False when it need not sleep after all.
    /// </summary>
    private bool FallAsleep()
    {
        _itemsArrived.Reset();
        Interlocked.Exchange(ref _consumerSleeps, 1);
        if (_items.IsEmpty && !Finished)
        {
            return true;
        }

        // Awake after all, unless a producer saw the sleep first: then its wake-up is on its way.
        return Interlocked.Exchange(ref _consumerSleeps, 0) == 0;
    }

    private void WakeConsumer()
    {
        if (Volatile.Read(ref _consumerSleeps) == 1 && Interlocked.Exchange(ref _consumerSleeps, 0) == 1)
        {
            _itemsArrived.SetResult(true);
        }
    }

    private TaskCompletionSource CreateRoomMade()
    {
        var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return Interlocked.CompareExchange(ref _roomMade, created, null) ?? created;
    }
}
