using IoTFireAlert.Ingestion.Rules;
using IoTFireAlert.Telemetry.Points;

namespace IoTFireAlert.Server.Devices;

/// <summary>What the pipeline keeps per device: its rules, its rule state, its telemetry tags, and its owner partition.</summary>
public sealed partial class DeviceEntry
{
    /// <summary>
    /// The partition task that owns <see cref="State"/>: the one the device's topic id hashes to.
    /// GB/T 26875.3 component ids (<c>{transmissionDevice}-{address}</c>) reach us under their
    /// transmission device's topic, so they belong to that device's partition.
    /// </summary>
    public int Partition { get; set; }

    public RuleSet Rules { get; set; } = null!;

    /// <summary>Touched only by the owner partition's task (DESIGN: one owner per partition, no locks).</summary>
    public DeviceRuleState State { get; } = new();

    public DeviceTags Tags { get; set; } = null!;

    /// <summary>Owned by the partition task, like <see cref="State"/>; a field so it can be updated in place.</summary>
    public Pipeline.DeviceRateLimit RateLimit;
}
