using IoTFireAlert.Server.DeadLetters;
using IoTFireAlert.Server.Devices;
using IoTFireAlert.Server.Metrics;

namespace IoTFireAlert.Server.Alarms;

/// <summary>Alarm-side figures for /metrics: raised, committed, writer queue, dead letters, quarantine.</summary>
public sealed class AlarmMetrics(AlarmWriter writer, DeadLetterStore deadLetters, UnknownDeviceQuarantine quarantine) : IMetricsSource
{
    public void WriteMetrics(PrometheusWriter metrics)
    {
        metrics.Counter("iotfire_alarms_raised_total", "Alarms raised (new or reopened), committed.", writer.Raised)
            .Counter("iotfire_alarm_work_committed_total", "Verdicts and operator actions committed by the alarm writer.", writer.CommittedItems)
            .Counter("iotfire_alarm_batches_total", "Transactions committed by the alarm writer.", writer.Batches)
            .Gauge("iotfire_queue_depth", "Items waiting in a pipeline stage.", writer.QueueDepth, ("stage", "alarm_writer"));
        foreach (var ((stage, vendor), count) in deadLetters.Counts)
        {
            metrics.Counter("iotfire_dead_letters_total", "Messages rejected, by stage and vendor.", count, ("stage", stage), ("vendor", vendor));
        }

        metrics.Counter("iotfire_dead_letters_not_stored_total", "Dead letters counted but not stored because the store was behind.", deadLetters.NotStored)
            .Counter("iotfire_unknown_device_messages_total", "Messages from unregistered devices (quarantined).", quarantine.TotalMessages)
            .Gauge("iotfire_unknown_devices", "Distinct unregistered devices seen.", quarantine.DistinctDevices);
    }
}
