namespace IoTFireAlert.Ingestion.Readings;

/// <summary>Message-level facts a vendor states about one report.</summary>
[Flags]
public enum ReportFlags : byte
{
    None = 0,
    /// <summary>Test or self-test: stored, never dispatched.</summary>
    Test = 1,
    /// <summary>A heartbeat with no readings of interest; it still proves the device is alive.</summary>
    Heartbeat = 2,
    /// <summary>The payload carried a sequence number (see <see cref="DeviceReport.Sequence"/>).</summary>
    HasSequence = 4,
    /// <summary>The payload carried its own timestamp; otherwise the receive time is used.</summary>
    HasTimestamp = 8,
}
