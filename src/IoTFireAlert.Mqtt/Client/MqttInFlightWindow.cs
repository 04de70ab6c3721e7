using System.Collections.Concurrent;

namespace IoTFireAlert.Mqtt;

/// <summary>
/// A counting window without locks: acquiring is a compare-exchange while slots remain; only
/// a caller that finds the window full allocates a waiter. Used for outbound QoS 1/2 in
/// flight (the broker's Receive Maximum, 5 §4.9) and for queued QoS 0 publications.
/// </summary>
internal sealed class MqttInFlightWindow
{
    private readonly ConcurrentQueue<TaskCompletionSource> _waiters = new();
    private int _available;
    private int _capacity;

    public MqttInFlightWindow(int capacity)
    {
        _available = capacity;
        _capacity = capacity;
    }

    public int Capacity => Volatile.Read(ref _capacity);

    public int InUse => Capacity - Volatile.Read(ref _available);

    public ValueTask AcquireAsync(CancellationToken cancellationToken) =>
        TryAcquire() ? default : new ValueTask(WaitAsync(cancellationToken));

    public bool TryAcquire()
    {
        while (true)
        {
            var available = Volatile.Read(ref _available);
            if (available <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _available, available - 1, available) == available)
            {
                return true;
            }
        }
    }

    public void Release() => Release(1);

    /// <summary>
    /// Frees <paramref name="count"/> slots at once: the send loop releases a whole written batch,
    /// so a waiting publisher wakes once per batch and refills it, not once per message.
    /// </summary>
    public void Release(int count)
    {
        if (count <= 0)
        {
            return;
        }

        Interlocked.Add(ref _available, count);
        for (var i = 0; i < count && !_waiters.IsEmpty; i++)
        {
            WakeOne();
        }
    }

    /// <summary>Changes the capacity (a new connection's Receive Maximum); slots in use stay in use.</summary>
    public void Resize(int capacity)
    {
        var delta = capacity - Interlocked.Exchange(ref _capacity, capacity);
        Interlocked.Add(ref _available, delta);
        if (delta > 0)
        {
            for (var i = 0; i < delta && !_waiters.IsEmpty; i++)
            {
                WakeOne();
            }
        }
    }

    private void WakeOne()
    {
        while (_waiters.TryDequeue(out var waiter))
        {
            if (waiter.TrySetResult())
            {
                return;
            }
        }
    }

    private async Task WaitAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Enqueue(waiter);
            if (TryAcquire())
            {
                // Pass the wake-up on: a release may have targeted this waiter.
                if (!waiter.TrySetResult())
                {
                    WakeOne();
                }

                return;
            }

            using (cancellationToken.Register(static w => ((TaskCompletionSource)w!).TrySetCanceled(), waiter))
            {
                try
                {
                    await waiter.Task.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    throw new OperationCanceledException(cancellationToken);
                }
            }

            if (TryAcquire())
            {
                return;
            }
        }
    }
}
