namespace IoTFireAlert.Telemetry;

/// <summary>Reads a device's time series back from whichever store is configured.</summary>
public interface ITelemetryReader
{
    /// <summary>
    /// Values of <paramref name="deviceId"/> with <paramref name="from"/> &lt;= time &lt; <paramref name="to"/>,
    /// of one field or (null) all of them, ordered by time then field.
    /// </summary>
    Task<IReadOnlyList<SeriesPoint>> ReadAsync(string deviceId, DateTimeOffset from, DateTimeOffset to, string? field = null, CancellationToken cancellationToken = default);
}
