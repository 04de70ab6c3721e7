using IoTFireAlert.Simulator.Devices;

namespace IoTFireAlert.Simulator.Load;

/// <summary>
/// Which device speaks next in the background load. Each device reports at its own heartbeat
/// interval (heartbeat_s of the device CSV), all intervals scaled by one factor so the fleet adds
/// up to the target rate: a charging pile (120 s) still speaks 30 times as often as an NB-IoT smoke
/// detector (14,400 s). No device exceeds <c>maxPerDevice</c> messages/s: the server throttles and
/// flags a device above its per-device limit (Pipeline:DeviceMessagesPerSecond, 5/s), which would
/// add Flooding alarms to a load test. Devices are ordered by their next due time (a min-heap), so
/// the schedule is exact at any rate and costs O(log n) per message.
/// </summary>
public sealed class BackgroundSchedule
{
    private readonly PriorityQueue<int, double> _due;
    private readonly double[] _period;

    /// <summary>
    /// Schedules <paramref name="devices"/> (scenario devices are left out) to add up to
    /// <paramref name="targetRate"/> messages/s (for "max", pass devices x <paramref name="maxPerDevice"/>),
    /// each starting at a <paramref name="random"/> phase of its interval.
    /// </summary>
    public BackgroundSchedule(IReadOnlyList<SimulatedDevice> devices, double targetRate, double maxPerDevice, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPerDevice);
        _period = new double[devices.Count];
        _due = new PriorityQueue<int, double>(devices.Count);
        if (devices.Count == 0)
        {
            return;
        }

        var weights = devices.Select(d => 1.0 / Math.Max(1, d.HeartbeatSeconds)).ToArray();
        var scale = SolveScale(weights, targetRate, maxPerDevice);
        AchievableRate = 0;
        for (var i = 0; i < devices.Count; i++)
        {
            var rate = Math.Min(scale * weights[i], maxPerDevice);
            AchievableRate += rate;
            _period[i] = 1 / rate;
            // A random phase: devices do not all report at the first instant.
            _due.Enqueue(i, random.NextDouble() * _period[i]);
        }
    }

    /// <summary>The fleet's rate with every device at its scaled interval (lower than the target when the per-device cap binds).</summary>
    public double AchievableRate { get; }

    public bool IsEmpty => _due.Count == 0;

    /// <summary>Seconds after the start at which the next device is due.</summary>
    public double NextDueSeconds => _due.TryPeek(out _, out var due) ? due : double.MaxValue;

    /// <summary>Takes the next device and schedules its following report.</summary>
    public int Next()
    {
        _due.TryDequeue(out var index, out var due);
        _due.Enqueue(index, due + _period[index]);
        return index;
    }

    /// <summary>Finds s with sum(min(s*w, cap)) = rate by bisection (the sum grows with s).</summary>
    private static double SolveScale(double[] weights, double rate, double cap)
    {
        double low = 0, high = cap / weights.Min();
        if (weights.Length * cap <= rate)
        {
            return high;
        }

        for (var i = 0; i < 100; i++)
        {
            var mid = (low + high) / 2;
            var sum = weights.Sum(w => Math.Min(mid * w, cap));
            if (sum < rate)
            {
                low = mid;
            }
            else
            {
                high = mid;
            }
        }

        return high;
    }
}
