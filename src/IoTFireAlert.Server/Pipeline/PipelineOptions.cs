namespace IoTFireAlert.Server.Pipeline;

/// <summary>Configuration section "Pipeline".</summary>
public sealed class PipelineOptions
{
    /// <summary>Partition tasks; each owns the state of the devices that hash to it.</summary>
    public int Partitions { get; set; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Messages waiting per partition before the ingress stops reading the broker.</summary>
    public int PartitionCapacity { get; set; } = 8192;

    public int MaxPayloadBytes { get; set; } = 64 * 1024;

    /// <summary>A payload timestamp further in the future than this is refused (clock fault or forgery).</summary>
    public int MaxFutureSkewSeconds { get; set; } = 300;

    /// <summary>A payload timestamp older than this is refused (a stale replay); 0 accepts any age.</summary>
    public int MaxAgeSeconds { get; set; } = 86_400;

    public int OfflineCheckSeconds { get; set; } = 5;

    /// <summary>Offline = no message for 2 x the device's heartbeat interval + this grace.</summary>
    public int OfflineGraceSeconds { get; set; } = 60;

    /// <summary>Sustained messages per second one device may send before it is throttled and flagged.</summary>
    public double DeviceMessagesPerSecond { get; set; } = 5;

    /// <summary>Messages one device may send in a burst (a fire makes a detector chatty for a moment).</summary>
    public double DeviceBurst { get; set; } = 50;

    public string? Validate() =>
        DeviceMessagesPerSecond <= 0 || DeviceBurst < 1 ? "Pipeline: DeviceMessagesPerSecond must be > 0 and DeviceBurst >= 1" :
        Partitions is < 1 or > 256 ? "Pipeline:Partitions must be within 1..256"
        : PartitionCapacity is < 16 or > 10_000_000 ? "Pipeline:PartitionCapacity must be within 16..10000000"
        : MaxPayloadBytes is < 64 or > 256 * 1024 * 1024 ? "Pipeline:MaxPayloadBytes must be within 64..268435456"
        : MaxFutureSkewSeconds < 0 || MaxAgeSeconds < 0 ? "Pipeline: MaxFutureSkewSeconds and MaxAgeSeconds must be >= 0"
        : OfflineCheckSeconds is < 1 or > 3600 ? "Pipeline:OfflineCheckSeconds must be within 1..3600"
        : OfflineGraceSeconds < 0 ? "Pipeline:OfflineGraceSeconds must be >= 0"
        : null;
}
