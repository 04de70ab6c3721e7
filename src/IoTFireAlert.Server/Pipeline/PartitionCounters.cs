using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace IoTFireAlert.Server.Pipeline;

/// <summary>
/// One partition's counters. Written by that partition's task only (no interlocked operations on
/// the message path); read by /metrics, where a slightly stale value is fine.
/// </summary>
public sealed class PartitionCounters
{
    public long Messages;
    public long Reports;
    public long Alarmed;
    public long Rejected;
    public long Throttled;

    /// <summary>Messages per vendor; vendor names come from the topic, so only configured vendors are counted here.</summary>
    public ConcurrentDictionary<string, StrongBox<long>> PerVendor { get; } = new(StringComparer.Ordinal);

    public long Read(ref long field) => Volatile.Read(ref field);
}
