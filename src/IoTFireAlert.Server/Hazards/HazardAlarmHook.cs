using System.Data;
using Dapper;
using IoTFireAlert.Ingestion.Alarms;
using IoTFireAlert.Server.Alarms;

namespace IoTFireAlert.Server.Hazards;

/// <summary>
/// Turns alarm changes into work orders and site codes inside the alarm writer's transaction, so
/// an alarm and the order it opens commit together or not at all. Minor/Warning alarms are hazards:
/// raised or reopened opens or adds to an order, cleared moves it to awaiting verification. Danger
/// alarms named by a repeat rule open an order once they recur often enough.
/// </summary>
public sealed class HazardAlarmHook(HazardOptions options, WorkOrderStore store, SiteRiskRules risk) : IAlarmTransactionHook
{
    public void OnAlarmChanged(IDbConnection connection, IDbTransaction transaction, AlarmRecord alarm, string kind, long nowMs)
    {
        switch (kind)
        {
            case "raised" or "reopened":
                Raised(connection, transaction, alarm, nowMs);
                break;
            case "cleared" when alarm.Severity <= Severity.Minor:
                store.DeviceCleared(connection, transaction, alarm.DeviceId, alarm.Type.ToString(), nowMs);
                break;
            case "cleared" or "resolved":
                break;
            default:
                // "updated" (a repeat of an active alarm) and "acknowledged" change nothing a code depends on.
                return;
        }

        if (alarm.Site is { } site)
        {
            risk.Recompute(connection, transaction, site, nowMs);
        }
    }

    private void Raised(IDbConnection connection, IDbTransaction transaction, AlarmRecord alarm, long nowMs)
    {
        var hazard = alarm.Type.ToString();
        string source;
        string? description = null;
        if (alarm.Severity <= Severity.Minor)
        {
            source = WorkOrderSources.Device;
        }
        else if (options.RepeatRuleFor(alarm.Type) is { } rule)
        {
            var since = nowMs - (long)(rule.WindowHours * 3_600_000);
            connection.Execute(
                """
                DELETE FROM hazard_sightings WHERE device_id = @DeviceId AND hazard = @hazard AND at < @since;
                INSERT INTO hazard_sightings (device_id, hazard, at, alarm_id) VALUES (@DeviceId, @hazard, @nowMs, @Id);
                """,
                new { alarm.DeviceId, hazard, since, nowMs, alarm.Id }, transaction);
            var seen = connection.ExecuteScalar<int>("SELECT count(*) FROM hazard_sightings WHERE device_id = @DeviceId AND hazard = @hazard AND at >= @since",
                new { alarm.DeviceId, hazard, since }, transaction);
            // Below the threshold the alarm is the dispatcher's alone; an order already open still counts every repeat.
            if (seen < rule.Times && WorkOrderStore.OpenFor(connection, transaction, alarm.DeviceId, hazard) is null)
            {
                return;
            }

            source = WorkOrderSources.RepeatRule;
            description = $"{seen} times within {rule.WindowHours} h (an order opens from {rule.Times})";
        }
        else
        {
            return;
        }

        var device = connection.QuerySingleOrDefault<(string? Site, string? Grid)>("SELECT site, grid FROM devices WHERE id = @DeviceId", new { alarm.DeviceId }, transaction);
        store.Report(connection, transaction, new HazardReport
        {
            DeviceId = alarm.DeviceId,
            Hazard = hazard,
            Severity = alarm.Severity,
            Source = source,
            Site = alarm.Site ?? device.Site,
            Grid = device.Grid,
            AlarmId = alarm.Id,
            Actor = "device:" + alarm.DeviceId,
            Description = description,
        }, nowMs);
    }
}
