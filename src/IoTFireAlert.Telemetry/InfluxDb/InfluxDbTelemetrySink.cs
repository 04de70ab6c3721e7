using System.Collections.Concurrent;
using IoTFireAlert.Ingestion.Readings;
using IoTFireAlert.Telemetry.Points;

namespace IoTFireAlert.Telemetry.InfluxDb;

/// <summary>
/// <see cref="ITelemetrySink"/> over <see cref="InfluxDbWriter"/>: each call formats its points into a
/// pooled batch (with a pooled formatter, so partitions never share one) and hands it to the writer.
/// </summary>
public sealed class InfluxDbTelemetrySink : ITelemetrySink
{
    private readonly ConcurrentQueue<TelemetryPointFormatter> _formatters = new();
    private long _pointsSkipped;

    public InfluxDbTelemetrySink(InfluxDbWriter writer)
    {
        Writer = writer;
    }

    public InfluxDbWriter Writer { get; }

    /// <summary>Points not written because a value could not be carried (NaN, a newline in an id).</summary>
    public long PointsSkipped => Volatile.Read(ref _pointsSkipped);

    public ValueTask WriteReadingsAsync(DecodedBatch batch, ReadOnlyMemory<DeviceTags?> devices, long receivedUnixMs, CancellationToken cancellationToken = default)
    {
        var formatter = Rent();
        var lines = Writer.RentBatch();
        var tags = devices.Span;
        for (var i = 0; i < batch.Count; i++)
        {
            if (i < tags.Length && tags[i] is { } device)
            {
                formatter.WriteReport(lines, batch, i, device, receivedUnixMs);
            }
        }

        Return(formatter);
        return Writer.WriteAsync(lines, cancellationToken);
    }

    public ValueTask WritePositionsAsync(ReadOnlyMemory<FleetPosition> positions, CancellationToken cancellationToken = default)
    {
        var formatter = Rent();
        var lines = Writer.RentBatch();
        foreach (ref readonly var position in positions.Span)
        {
            formatter.WritePosition(lines, position);
        }

        Return(formatter);
        return Writer.WriteAsync(lines, cancellationToken);
    }

    public ValueTask WriteAlarmEventAsync(AlarmEvent alarm, CancellationToken cancellationToken = default)
    {
        var formatter = Rent();
        var lines = Writer.RentBatch();
        formatter.WriteAlarmEvent(lines, alarm);
        Return(formatter);
        return Writer.WriteAsync(lines, cancellationToken);
    }

    public Task FlushAsync(CancellationToken cancellationToken = default) => Writer.FlushAsync(cancellationToken);

    public ValueTask DisposeAsync() => Writer.DisposeAsync();

    private TelemetryPointFormatter Rent() =>
        _formatters.TryDequeue(out var formatter) ? formatter : new TelemetryPointFormatter(Writer.Options.Precision);

    private void Return(TelemetryPointFormatter formatter)
    {
        var skipped = formatter.TakeSkipped();
        if (skipped > 0)
        {
            Interlocked.Add(ref _pointsSkipped, skipped);
        }

        _formatters.Enqueue(formatter);
    }
}
