using IoTFireAlert.Ingestion.Readings;
using IoTFireAlert.Telemetry.Points;

namespace IoTFireAlert.Telemetry;

/// <summary>
/// Where the pipeline stores time series: InfluxDB (<see cref="InfluxDb.InfluxDbTelemetrySink"/>)
/// or the embedded SQLite store (<see cref="Sqlite.SqliteTelemetryStore"/>). Bounded: a write
/// waits while the sink's queue is full, which is how back-pressure reaches the MQTT reader.
/// Safe to call from several partition tasks at once. Each call copies what it needs before it
/// returns, so the caller may reuse <see cref="DecodedBatch"/> right after.
/// </summary>
public interface ITelemetrySink : IAsyncDisposable
{
    /// <summary>
    /// Stores every report of <paramref name="batch"/>; <paramref name="devices"/>[i] holds the
    /// registry's tags for report i (null skips a report from an unregistered device).
    /// </summary>
    ValueTask WriteReadingsAsync(DecodedBatch batch, ReadOnlyMemory<DeviceTags?> devices, long receivedUnixMs, CancellationToken cancellationToken = default);

    ValueTask WritePositionsAsync(ReadOnlyMemory<FleetPosition> positions, CancellationToken cancellationToken = default);

    ValueTask WriteAlarmEventAsync(AlarmEvent alarm, CancellationToken cancellationToken = default);

    /// <summary>Completes when everything written before is stored (or, for InfluxDB, spilled to disk).</summary>
    Task FlushAsync(CancellationToken cancellationToken = default);
}
