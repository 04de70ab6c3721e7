using Dapper;
using IoTFireAlert.Server.Storage;

namespace IoTFireAlert.Server.Hazards;

/// <summary>
/// Work orders for the API: an inspector's findings and people's steps, each in its own immediate
/// transaction (SQLite serialises it with the alarm writer's), with the site's code recomputed in
/// the same transaction. Also the read side.
/// </summary>
public sealed class WorkOrderService(SqliteDatabase database, WorkOrderStore store, SiteRiskRules risk, HazardOptions options, TimeProvider clock)
{
    public WorkOrderResult Create(ManualFinding finding, string actor)
    {
        if (finding.Validate(out var severity) is { } problem)
        {
            return WorkOrderResult.Refused(400, problem);
        }

        if (finding.Grid is { } named && options.Grid(named) is null)
        {
            return WorkOrderResult.Refused(422, $"grid '{named}' is not configured (known grids: {string.Join(", ", options.Grids.Select(g => g.Id))})");
        }

        var site = finding.Site!.Trim();
        var nowMs = clock.GetUtcNow().ToUnixTimeMilliseconds();
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        string? grid = finding.Grid;
        if (finding.DeviceId is { } deviceId)
        {
            var device = connection.QuerySingleOrDefault<(string Id, string? Grid)>("SELECT id, grid FROM devices WHERE id = @deviceId", new { deviceId }, transaction);
            if (device.Id is null)
            {
                return WorkOrderResult.Refused(422, $"device '{deviceId}' is not registered");
            }

            grid ??= device.Grid;
        }

        // Without a device, the site's devices say which grid cell it belongs to.
        grid ??= connection.QueryFirstOrDefault<string?>(
            "SELECT grid FROM devices WHERE site = @site AND grid IS NOT NULL GROUP BY grid ORDER BY count(*) DESC, grid LIMIT 1", new { site }, transaction);
        var hazard = string.IsNullOrWhiteSpace(finding.Hazard) ? ManualFinding.DefaultHazard : finding.Hazard;
        var existing = finding.DeviceId is null ? null : WorkOrderStore.OpenFor(connection, transaction, finding.DeviceId, hazard);
        var order = store.Report(connection, transaction, new HazardReport
        {
            DeviceId = finding.DeviceId,
            Hazard = hazard,
            Severity = severity,
            Source = WorkOrderSources.Inspection,
            Site = site,
            Grid = grid,
            Actor = actor,
            Photo = finding.Photo!.Trim(),
            Description = finding.Description!.Trim(),
        }, nowMs);
        risk.Recompute(connection, transaction, site, nowMs);
        transaction.Commit();
        return WorkOrderResult.Ok(order, existing is null && order.Count == 1 ? 201 : 200);
    }

    public WorkOrderResult Act(long id, WorkOrderStep step)
    {
        var nowMs = clock.GetUtcNow().ToUnixTimeMilliseconds();
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        var result = store.Apply(connection, transaction, id, step, nowMs);
        if (result.Error is not null)
        {
            return result;
        }

        if (result.Order!.Site is { } site)
        {
            risk.Recompute(connection, transaction, site, nowMs);
        }

        transaction.Commit();
        return result;
    }

    public WorkOrder? Get(long id)
    {
        using var connection = database.Open();
        return WorkOrderStore.Get(connection, null, id);
    }

    public IReadOnlyList<WorkOrderTimelineEntry> Timeline(long id)
    {
        using var connection = database.Open();
        return connection.Query<WorkOrderTimelineEntry>(
            "SELECT id AS Id, order_id AS OrderId, at AS At, event AS Event, actor AS Actor, from_state AS FromState, to_state AS ToState, detail AS Detail FROM work_order_timeline WHERE order_id = @id ORDER BY id",
            new { id }).AsList();
    }

    public IReadOnlyList<WorkOrder> List(WorkOrderFilter filter)
    {
        using var connection = database.Open();
        return connection.Query<WorkOrder>(
            $"""
            SELECT {WorkOrder.Columns} FROM work_orders
            WHERE (@State IS NULL OR state = @State) AND (@Site IS NULL OR site = @Site) AND (@Grid IS NULL OR grid = @Grid)
              AND (@DeviceId IS NULL OR device_id = @DeviceId) AND (@Assignee IS NULL OR assignee = @Assignee) AND (@Open IS NULL OR open = @Open)
            ORDER BY open DESC, deadline, id DESC
            LIMIT @Limit
            """,
            filter).AsList();
    }
}
