using System.Threading.Tasks.Sources;

namespace IoTFireAlert.Mqtt;

/// <summary>
/// An auto-reset signal for one awaiting loop, allocation-free. Many <see cref="Set"/> calls
/// while the loop is busy collapse into one wake-up: the loop then drains everything that
/// accumulated, which is how acks and publications get batched per flush.
/// </summary>
internal sealed class MqttWakeSignal : IValueTaskSource<bool>
{
    private const int Idle = 0;
    private const int Signalled = 1;
    private const int Waiting = 2;
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private int _state;

    public void Set()
    {
        while (true)
        {
            var state = Volatile.Read(ref _state);
            if (state == Signalled)
            {
                return;
            }

            if (state == Idle && Interlocked.CompareExchange(ref _state, Signalled, Idle) == Idle)
            {
                return;
            }

            if (state == Waiting && Interlocked.CompareExchange(ref _state, Idle, Waiting) == Waiting)
            {
                _core.SetResult(true);
                return;
            }
        }
    }

    /// <summary>Single waiter only.</summary>
    public ValueTask<bool> WaitAsync()
    {
        if (Interlocked.CompareExchange(ref _state, Idle, Signalled) == Signalled)
        {
            return new ValueTask<bool>(true);
        }

        _core.Reset();
        if (Interlocked.CompareExchange(ref _state, Waiting, Idle) == Idle)
        {
            return new ValueTask<bool>(this, _core.Version);
        }

        Interlocked.Exchange(ref _state, Idle);
        return new ValueTask<bool>(true);
    }

    public bool GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
