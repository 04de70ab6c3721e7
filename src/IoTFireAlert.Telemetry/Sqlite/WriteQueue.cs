using System.Collections.Concurrent;

namespace IoTFireAlert.Telemetry.Sqlite;

/// <summary>
/// The store's queue: many callers (the pipeline's partitions) hand items to one writer thread, at most
/// <c>capacity</c> queued. A caller that finds room takes no lock: it claims a place with an atomic
/// compare-and-swap and appends to a lock-free queue. Behind a bounded <c>Channel</c>'s lock, a partition waited
/// up to ~6-9 ms whenever the lock's holder lost its core on a busy two-core machine, and every message
/// behind it, alarms included, waited too (bench/RESULTS.md). Locks are taken only to wait: by a caller
/// that finds the queue full, and to wake the writer when it sleeps on an empty one.
/// </summary>
internal sealed class WriteQueue<T>(int capacity) : IDisposable
{
    private readonly ConcurrentQueue<T> _items = new();
    private readonly SemaphoreSlim _itemsArrived = new(0);
    private int _count;
    private int _writerSleeps;
    private int _completed;
    private TaskCompletionSource? _roomMade;

    /// <summary>Items queued, at most the capacity (places claimed, some perhaps still being appended).</summary>
    public int Count => Volatile.Read(ref _count);

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

        // The place is claimed before completion is checked, and the writer stops only once completed
        // with no place claimed: an item either lands before the writer's last look, or is refused.
        var accepted = Volatile.Read(ref _completed) == 0;
        if (accepted)
        {
            _items.Enqueue(item);
        }
        else
        {
            Interlocked.Decrement(ref _count);
        }

        // The writer announced its sleep before it looked at the queue a last time (a full fence each
        // side): either it sees this item (or this place given back), or this caller sees it asleep and
        // wakes it.
        if (Volatile.Read(ref _writerSleeps) == 1 && Interlocked.Exchange(ref _writerSleeps, 0) == 1)
        {
            _itemsArrived.Release();
        }

        return accepted;
    }

    /// <summary>Queues <paramref name="item"/>, waiting for room while the queue is full.</summary>
    /// <exception cref="InvalidOperationException">The queue was completed.</exception>
    public async ValueTask EnqueueAsync(T item, CancellationToken cancellationToken)
    {
        while (!TryEnqueue(item))
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _completed) == 1, this);
            // Armed before the retry: room made after it completes this task, so no wake-up is missed.
            var roomMade = Volatile.Read(ref _roomMade) ?? InterlockedInit(ref _roomMade);
            if (TryEnqueue(item))
            {
                return;
            }

            ObjectDisposedException.ThrowIf(Volatile.Read(ref _completed) == 1, this);
            await roomMade.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The writer's side: takes the next item, if any, and makes room for a caller.</summary>
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
    /// The writer's side: blocks until an item is queued (true) or the queue is completed and empty
    /// (false); throws <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires.
    /// </summary>
    public bool WaitForItems(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (!_items.IsEmpty)
            {
                return true;
            }

            if (Volatile.Read(ref _completed) == 1 && Volatile.Read(ref _count) == 0)
            {
                return false;
            }

            Interlocked.Exchange(ref _writerSleeps, 1);
            if (!_items.IsEmpty || (Volatile.Read(ref _completed) == 1 && Volatile.Read(ref _count) == 0))
            {
                // Awake after all; a caller that saw the sleep first has released (or will): take it back.
                TakeBackSleep();
                continue;
            }

            try
            {
                _itemsArrived.Wait(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                TakeBackSleep();
                throw;
            }
        }
    }

    /// <summary>No more items: the writer drains what is queued, then <see cref="WaitForItems"/> returns false.</summary>
    public void Complete()
    {
        Interlocked.Exchange(ref _completed, 1);
        if (Interlocked.Exchange(ref _writerSleeps, 0) == 1)
        {
            _itemsArrived.Release();
        }

        Interlocked.Exchange(ref _roomMade, null)?.TrySetResult();
    }

    /// <summary>Once the writer has stopped.</summary>
    public void Dispose() => _itemsArrived.Dispose();

    private void TakeBackSleep()
    {
        if (Interlocked.Exchange(ref _writerSleeps, 0) == 0)
        {
            _itemsArrived.Wait(CancellationToken.None); // released by a caller (or Complete) that saw it first
        }
    }

    private static TaskCompletionSource InterlockedInit(ref TaskCompletionSource? field)
    {
        var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return Interlocked.CompareExchange(ref field, created, null) ?? created;
    }
}
