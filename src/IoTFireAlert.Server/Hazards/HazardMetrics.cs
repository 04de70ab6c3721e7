using Dapper;
using IoTFireAlert.Server.Metrics;
using IoTFireAlert.Server.Storage;

namespace IoTFireAlert.Server.Hazards;

/// <summary>Work orders and site codes for /metrics: open orders by state, overdue, escalations, sites by code.</summary>
public sealed class HazardMetrics(SqliteDatabase database, TimeProvider clock) : IMetricsSource
{
    public void WriteMetrics(PrometheusWriter writer)
    {
        var nowMs = clock.GetUtcNow().ToUnixTimeMilliseconds();
        using var connection = database.Open();
        var byState = connection.Query<(string State, long Count)>("SELECT state, count(*) FROM work_orders WHERE open = 1 GROUP BY state")
            .ToDictionary(r => r.State, r => r.Count, StringComparer.Ordinal);
        foreach (var state in WorkOrderStates.All)
        {
            if (state != WorkOrderStates.Closed)
            {
                writer.Gauge("iotfire_work_orders_open", "Open hazard work orders, by state.", byState.GetValueOrDefault(state), ("state", state));
            }
        }

        writer.Gauge("iotfire_work_orders_overdue", "Open hazard work orders past their rectification deadline.",
            connection.ExecuteScalar<long>("SELECT count(*) FROM work_orders WHERE open = 1 AND deadline < @nowMs AND state IN ('found', 'assigned', 'rectifying')", new { nowMs }));
        var escalations = connection.Query<(string Event, long Count)>(
                "SELECT event, count(*) FROM work_order_timeline WHERE event IN ('escalated_to_supervisor', 'escalated_to_office') GROUP BY event")
            .ToDictionary(r => r.Event, r => r.Count, StringComparer.Ordinal);
        writer.Counter("iotfire_work_order_escalations_total", "Overdue work orders escalated, by whom they went to.", escalations.GetValueOrDefault("escalated_to_supervisor"), ("to", "supervisor"))
            .Counter("iotfire_work_order_escalations_total", "Overdue work orders escalated, by whom they went to.", escalations.GetValueOrDefault("escalated_to_office"), ("to", "office"));
        var codes = connection.Query<(string Code, long Count)>("SELECT code, count(*) FROM site_risk GROUP BY code").ToDictionary(r => r.Code, r => r.Count, StringComparer.Ordinal);
        foreach (var code in (string[])[RiskCodes.Red, RiskCodes.Yellow, RiskCodes.Green])
        {
            writer.Gauge("iotfire_sites", "Sites by risk code (sites with a code on record).", codes.GetValueOrDefault(code), ("code", code));
        }
    }
}
