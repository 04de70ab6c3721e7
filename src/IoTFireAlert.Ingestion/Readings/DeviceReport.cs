namespace IoTFireAlert.Ingestion.Readings;

/// <summary>
/// One device's part of a decoded payload. Usually a payload carries one report for the device
/// named in the topic; a GB/T 26875.3 transmission device reports many components in one frame.
/// Strings are not allocated: the device id and the readings are ranges in the owning
/// <see cref="DecodedBatch"/>.
/// </summary>
public struct DeviceReport
{
    public int DeviceIdStart;
    public int DeviceIdLength;
    public int ReadingStart;
    public int ReadingCount;
    /// <summary>Unix milliseconds; meaningful when <see cref="ReportFlags.HasTimestamp"/> is set.</summary>
    public long TimestampUnixMs;
    public uint Sequence;
    public ReportFlags Flags;
    /// <summary>The kind the payload claims, or <see cref="DeviceKind.Unknown"/>; the registry's kind wins.</summary>
    public DeviceKind Kind;
}
