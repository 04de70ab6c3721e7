using System.Buffers;
using IoTFireAlert.Ingestion.Alarms;
using IoTFireAlert.Ingestion.Readings;
using IoTFireAlert.Telemetry.LineProtocol;

namespace IoTFireAlert.Telemetry.Points;

/// <summary>
/// Turns decoded readings, fleet positions and alarm transitions into line protocol per the schema
/// in docs/telemetry-schema.md. One instance per task (it owns a <see cref="LineProtocolWriter"/>);
/// allocates nothing per point after warm-up.
/// </summary>
public sealed class TelemetryPointFormatter
{
    private readonly LineProtocolWriter _writer = new();

    public TelemetryPointFormatter(TimestampPrecision precision)
    {
        Precision = precision;
    }

    public TimestampPrecision Precision { get; }

    /// <summary>Readings left out because their value was NaN or infinite.</summary>
    public long NonFiniteValuesSkipped { get; private set; }

    /// <summary>Points refused by the serializer (e.g. a vehicle id with a newline).</summary>
    public long PointsRejected { get; private set; }

    /// <summary>Returns and resets the skip counters (for a sink that sums them across pooled formatters).</summary>
    internal long TakeSkipped()
    {
        var skipped = NonFiniteValuesSkipped + PointsRejected;
        NonFiniteValuesSkipped = 0;
        PointsRejected = 0;
        return skipped;
    }

    /// <summary>
    /// Writes report <paramref name="reportIndex"/> of <paramref name="batch"/> as one line of the
    /// measurement of <paramref name="device"/>'s kind. The timestamp is the device's own when it
    /// sent one, else <paramref name="receivedUnixMs"/>. Returns the lines written (0 when the
    /// report had nothing to store).
    /// </summary>
    public int WriteReport(IBufferWriter<byte> output, DecodedBatch batch, int reportIndex, DeviceTags device, long receivedUnixMs)
    {
        ref var report = ref batch[reportIndex];
        Span<byte> name = stackalloc byte[64];
        _writer.Begin(device.Series);
        var fields = 0;
        foreach (var reading in batch.Readings(report))
        {
            var length = PointNames.FormatField(reading.Signal, reading.Channel, name);
            if (PointNames.IsFlag(reading.Signal))
            {
                _writer.FieldBool(name[..length], reading.Value != 0);
            }
            else if (double.IsFinite(reading.Value))
            {
                _writer.FieldFloat(name[..length], reading.Value);
            }
            else
            {
                NonFiniteValuesSkipped++;
                continue;
            }

            fields++;
        }

        // Sequence numbers are unbounded: a field, never a tag.
        if ((report.Flags & ReportFlags.HasSequence) != 0)
        {
            _writer.FieldInteger("seq"u8, report.Sequence);
            fields++;
        }

        if ((report.Flags & ReportFlags.Heartbeat) != 0)
        {
            _writer.FieldBool("heartbeat"u8, true);
            fields++;
        }

        if ((report.Flags & ReportFlags.Test) != 0)
        {
            _writer.FieldBool("test"u8, true);
            fields++;
        }

        if (fields == 0)
        {
            _writer.Reset();
            return 0;
        }

        var timeMs = (report.Flags & ReportFlags.HasTimestamp) != 0 ? report.TimestampUnixMs : receivedUnixMs;
        _writer.End(output, LineTimestamp.FromUnixMilliseconds(timeMs, Precision));
        return 1;
    }

    /// <summary><c>fleet_position,vehicle_id=... lat=,lon=,speed_kmh=,heading=,status="..."</c>. Returns the lines written.</summary>
    public int WritePosition(IBufferWriter<byte> output, in FleetPosition position)
    {
        if (!double.IsFinite(position.Latitude) || !double.IsFinite(position.Longitude))
        {
            NonFiniteValuesSkipped++;
            return 0;
        }

        try
        {
            _writer.Begin("fleet_position"u8);
            _writer.Tag("vehicle_id", position.VehicleId);
            _writer.FieldFloat("lat"u8, position.Latitude);
            _writer.FieldFloat("lon"u8, position.Longitude);
            if (double.IsFinite(position.SpeedKmh))
            {
                _writer.FieldFloat("speed_kmh"u8, position.SpeedKmh);
            }

            if (double.IsFinite(position.HeadingDegrees))
            {
                _writer.FieldFloat("heading"u8, position.HeadingDegrees);
            }

            if (!string.IsNullOrEmpty(position.Status))
            {
                _writer.FieldString("status", position.Status);
            }

            _writer.End(output, LineTimestamp.FromUnixMilliseconds(position.TimestampUnixMs, Precision));
            return 1;
        }
        catch (LineProtocolException)
        {
            PointsRejected++;
            return 0;
        }
    }

    /// <summary>
    /// <c>alarm_event,device_id=,grid=,kind=,site=,type=,vendor= condition="raised",severity=3i,active=true,value=</c>.
    /// Returns the lines written.
    /// </summary>
    public int WriteAlarmEvent(IBufferWriter<byte> output, in AlarmEvent alarm)
    {
        var device = alarm.Device;
        var transition = alarm.Transition;
        try
        {
            _writer.Begin("alarm_event"u8);
            _writer.Tag("device_id", device.DeviceId);
            _writer.Tag("grid", device.Grid);
            _writer.Tag("kind", device.Measurement);
            _writer.Tag("site", device.Site);
            _writer.Tag("type"u8, PointNames.AlarmTypeUtf8(transition.Type));
            _writer.Tag("vendor", device.Vendor);
            _writer.FieldString("condition"u8, PointNames.ConditionUtf8(transition.Condition));
            _writer.FieldInteger("severity"u8, (long)transition.Severity);
            _writer.FieldBool("active"u8, transition.Condition != AlarmCondition.Cleared);
            if (double.IsFinite(transition.Value))
            {
                _writer.FieldFloat("value"u8, transition.Value);
            }

            _writer.End(output, LineTimestamp.FromUnixMilliseconds(transition.TimestampUnixMs, Precision));
            return 1;
        }
        catch (LineProtocolException)
        {
            PointsRejected++;
            return 0;
        }
    }
}
