using System.Data;
using Dapper;
using IoTFireAlert.Ingestion.Alarms;
using IoTFireAlert.Server.Alarms;

namespace IoTFireAlert.Server.Hazards;

/// <summary>
/// Turns alarm changes into work orders and site codes inside the alarm writer's transaction, so
/// an alarm and the order it opens commit together or not at all. Minor/Warning alarms are hazards:
/// raised or reopened opens or adds to an order, cleared moves it to awaiting verification. Danger
/// alarms named by a repeat rule open an order once they recur often enough. The time of a
/// "cleared" change is the device's own time of clearing (as the alarm writer passes it).
/// </summary>
public sealed class HazardAlarmHook(HazardOptions options, WorkOrderStore store, SiteRiskRules risk) : IAlarmTransactionHook
{
    public void OnAlarmChanged(IDbConnection connection, IDbTransaction transaction, AlarmRecord alarm, string kind, long nowMs)
    {
        var changed = true;
        switch (kind)
        {
            case "raised" or "reopened":
                Reported(connection, transaction, alarm, nowMs, repeat: false);
                break;
            case "updated":
                // A repeat of an active alarm: counted on the order; it reopens one a person reported rectified.
                changed = Reported(connection, transaction, alarm, nowMs, repeat: true);
                break;
            case "cleared" when alarm.Severity <= Severity.Minor:
                store.DeviceCleared(connection, transaction, alarm.DeviceId, alarm.Type.ToString(), nowMs);
                break;
            case "cleared" or "resolved":
                break;
            default:
                // "acknowledged" changes nothing a code depends on.
                return;
        }

        if (changed && alarm.Site is { } site)
        {
            risk.Recompute(connection, transaction, site, nowMs);
        }
    }

    /// <summary>Opens, adds to or reopens the order for the alarm's hazard; true when an order was opened or reopened.</summary>
    private bool Reported(IDbConnection connection, IDbTransaction transaction, AlarmRecord alarm, long nowMs, bool repeat)
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
            if (repeat)
            {
                // The rule counts raisings, not the messages of one alarm; an open order still counts them.
                if (WorkOrderStore.OpenFor(connection, transaction, alarm.DeviceId, hazard) is null)
                {
                    return false;
                }
            }
            else
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
                // Below the threshold the alarm is the dispatcher's alone; an order already open still counts every raising.
                if (seen < rule.Times && WorkOrderStore.OpenFor(connection, transaction, alarm.DeviceId, hazard) is null)
                {
                    return false;
                }

                description = $"raised {seen} times within {rule.WindowHours.ToString(System.Globalization.CultureInfo.InvariantCulture)} h (an order opens from {rule.Times})";
            }

            source = WorkOrderSources.RepeatRule;
        }
        else
        {
            return false;
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
        }, nowMs, quietRepeat: repeat, out var changed);
        return changed;
    }
}
