namespace IoTFireAlert.Server.Pipeline;

/// <summary>
/// A token bucket per device, owned by the device's partition task: a stuck or hostile device
/// that publishes hundreds of messages a second is throttled and flagged, and cannot take the
/// partition's time from the devices beside it.
/// </summary>
public struct DeviceRateLimit
{
    private double _tokens;
    private long _lastRefillMs;

    /// <summary>True while the device is over its rate (set when throttling starts, cleared when it is back under).</summary>
    public bool Flooding;

    public bool TryTake(long nowMs, double perSecond, double burst)
    {
        if (_lastRefillMs == 0)
        {
            _tokens = burst;
            _lastRefillMs = nowMs;
        }
        else if (nowMs > _lastRefillMs)
        {
            _tokens = Math.Min(burst, _tokens + (nowMs - _lastRefillMs) * perSecond / 1000.0);
            _lastRefillMs = nowMs;
        }

        if (_tokens >= 1)
        {
            _tokens -= 1;
            return true;
        }

        return false;
    }
}
