using System.Data;
using System.Globalization;
using Dapper;

namespace IoTFireAlert.Server.Hazards;

/// <summary>
/// The work-order state machine over SQLite, always inside the caller's transaction: the alarm
/// writer's (via <see cref="HazardAlarmHook"/>), the API's or the overdue sweep's. A refused step
/// returns before its first write, so "nothing changed" holds without relying on a rollback.
/// </summary>
public sealed class WorkOrderStore(HazardOptions options)
{
    public const string System = "system";

    public static WorkOrder? Get(IDbConnection connection, IDbTransaction? transaction, long id) =>
        connection.QuerySingleOrDefault<WorkOrder>($"SELECT {WorkOrder.Columns} FROM work_orders WHERE id = @id", new { id }, transaction);

    public static WorkOrder? OpenFor(IDbConnection connection, IDbTransaction? transaction, string deviceId, string hazard) =>
        connection.QuerySingleOrDefault<WorkOrder>($"SELECT {WorkOrder.Columns} FROM work_orders WHERE device_id = @deviceId AND hazard = @hazard AND open = 1",
            new { deviceId, hazard }, transaction);

    public static void Timeline(IDbConnection connection, IDbTransaction transaction, long orderId, long at, string what, string actor, string? from, string? to, string? detail) =>
        connection.Execute(
            "INSERT INTO work_order_timeline (order_id, at, event, actor, from_state, to_state, detail) VALUES (@orderId, @at, @what, @actor, @from, @to, @detail)",
            new { orderId, at, what, actor, from, to, detail }, transaction);

    /// <summary>
    /// Opens an order for the hazard, or adds to the open one for the same device and hazard (the
    /// partial unique index allows no second). A recurrence while awaiting verification, or within
    /// the verification window after closing, reopens the order: the rectification did not hold.
    /// </summary>
    public WorkOrder Report(IDbConnection connection, IDbTransaction transaction, HazardReport report, long nowMs) =>
        Report(connection, transaction, report, nowMs, quietRepeat: false, out _);

    /// <summary>
    /// As <see cref="Report(IDbConnection, IDbTransaction, HazardReport, long)"/>. A quiet repeat (a device's periodic repeat of a
    /// hazard it already reported) is counted without a timeline line unless the state changes; <paramref name="stateChanged"/>
    /// says whether an order was opened or reopened (the site's code may change) rather than only counted.
    /// </summary>
    public WorkOrder Report(IDbConnection connection, IDbTransaction transaction, HazardReport report, long nowMs, bool quietRepeat, out bool stateChanged)
    {
        stateChanged = true;
        if (report.DeviceId is { } deviceId)
        {
            if (OpenFor(connection, transaction, deviceId, report.Hazard) is { } open)
            {
                if (open.State == WorkOrderStates.AwaitingVerification)
                {
                    return Reopen(connection, transaction, open, report, nowMs,
                        $"reported again {Hours(nowMs - (open.RectifiedAt ?? nowMs))} h after rectification, before verification");
                }

                connection.Execute("UPDATE work_orders SET count = count + 1, last_seen = max(last_seen, @nowMs), alarm_id = coalesce(@AlarmId, alarm_id) WHERE id = @id",
                    new { nowMs, report.AlarmId, id = open.Id }, transaction);
                if (!quietRepeat)
                {
                    Timeline(connection, transaction, open.Id, nowMs, "repeated", report.Actor, open.State, open.State, Describe(report));
                }

                stateChanged = false;
                return Get(connection, transaction, open.Id)!;
            }

            var windowStart = nowMs - options.VerificationWindowMs;
            var recent = connection.QueryFirstOrDefault<WorkOrder>(
                $"SELECT {WorkOrder.Columns} FROM work_orders WHERE device_id = @deviceId AND hazard = @Hazard AND open = 0 AND closed_at >= @windowStart ORDER BY closed_at DESC LIMIT 1",
                new { deviceId, report.Hazard, windowStart }, transaction);
            if (recent is not null)
            {
                return Reopen(connection, transaction, recent, report, nowMs,
                    $"reported again {Hours(nowMs - recent.ClosedAt!.Value)} h after closing, within the {Hours(options.VerificationWindowMs)} h verification window");
            }
        }

        var grid = options.Grid(report.Grid);
        var id = connection.ExecuteScalar<long>(
            """
            INSERT INTO work_orders (device_id, hazard, severity, source, site, grid, state, open, alarm_id, opened_at, opened_by, last_seen, count, deadline, photo, description)
            VALUES (@DeviceId, @Hazard, @severity, @Source, @Site, @Grid, 'found', 1, @AlarmId, @nowMs, @Actor, @nowMs, 1, @deadline, @Photo, @Description)
            RETURNING id
            """,
            new
            {
                report.DeviceId, report.Hazard, severity = report.Severity.ToString(), report.Source, report.Site, report.Grid, report.AlarmId,
                nowMs, report.Actor, deadline = nowMs + options.DeadlineMs(report.Severity), report.Photo, report.Description,
            },
            transaction);
        var unassigned = report.Grid is null ? "; not assigned: no grid is known for it"
            : grid is null ? $"; not assigned: grid '{report.Grid}' is not in the hazard configuration"
            : null;
        Timeline(connection, transaction, id, nowMs, "found", report.Actor, null, WorkOrderStates.Found, Describe(report) + unassigned);
        if (grid is not null)
        {
            AssignTo(connection, transaction, id, WorkOrderStates.Found, grid, grid.Members[0], System, nowMs, "new order");
        }

        return Get(connection, transaction, id)!;
    }

    /// <summary>The device says the hazard ended: the order waits for a person to verify it on site. Never closes it.</summary>
    public WorkOrder? DeviceCleared(IDbConnection connection, IDbTransaction transaction, string deviceId, string hazard, long nowMs)
    {
        if (OpenFor(connection, transaction, deviceId, hazard) is not { } open || !WorkOrderStates.BeforeRectification(open.State))
        {
            return null;
        }

        connection.Execute("UPDATE work_orders SET state = 'awaiting_verification', rectified_at = @nowMs WHERE id = @id", new { nowMs, id = open.Id }, transaction);
        Timeline(connection, transaction, open.Id, nowMs, "cleared", "device:" + deviceId, open.State, WorkOrderStates.AwaitingVerification,
            "the device reports the condition ended; an on-site check must verify the rectification");
        return Get(connection, transaction, open.Id);
    }

    /// <summary>Applies a person's step, or refuses it with the reason and changes nothing.</summary>
    public WorkOrderResult Apply(IDbConnection connection, IDbTransaction transaction, long id, WorkOrderStep step, long nowMs)
    {
        if (Get(connection, transaction, id) is not { } order)
        {
            return WorkOrderResult.Refused(404, $"work order {id} does not exist");
        }

        if (order.State == WorkOrderStates.Closed)
        {
            return WorkOrderResult.Refused(409, $"work order {id} is closed", order);
        }

        var note = string.IsNullOrWhiteSpace(step.Note) ? null : step.Note.Trim();
        switch (step.Action)
        {
            case WorkOrderAction.Assign:
                return Assign(connection, transaction, order, step, note, nowMs);

            case WorkOrderAction.Start:
                if (order.State != WorkOrderStates.Assigned)
                {
                    return Skip(order, "start rectification", order.State == WorkOrderStates.Found ? "assign it first" : "only an assigned order can be started");
                }

                return Move(connection, transaction, order, WorkOrderStates.Rectifying, "started", step.Actor, note, nowMs, null);

            case WorkOrderAction.Rectified:
                if (order.State != WorkOrderStates.Rectifying)
                {
                    return Skip(order, "report it rectified", order.State is WorkOrderStates.Found or WorkOrderStates.Assigned
                        ? "rectification has not started (POST start first)" : "it is already awaiting verification");
                }

                return Move(connection, transaction, order, WorkOrderStates.AwaitingVerification, "rectified", step.Actor, note, nowMs, "rectified_at = @nowMs");

            case WorkOrderAction.Verify:
                if (order.State != WorkOrderStates.AwaitingVerification)
                {
                    return Skip(order, "verify it", "only an order awaiting verification (rectified) can be verified");
                }

                return Move(connection, transaction, order, WorkOrderStates.Closed, "verified", step.Actor, note ?? "rectification verified on site", nowMs,
                    "open = 0, closed_at = @nowMs, closed_by = @actor");

            case WorkOrderAction.Reject:
                if (order.State != WorkOrderStates.AwaitingVerification)
                {
                    return Skip(order, "reject the rectification", "only an order awaiting verification can be rejected");
                }

                return Move(connection, transaction, order, WorkOrderStates.Rectifying, "rejected", step.Actor, note ?? "rectification not accepted", nowMs, "rectified_at = NULL");

            case WorkOrderAction.Close:
                return Close(connection, transaction, order, step, note, nowMs);

            default:
                return WorkOrderResult.Refused(400, $"unknown action '{step.Action}'", order);
        }
    }

    /// <summary>
    /// Closing needs verification: by a person (verify), or, for a device hazard, by the device
    /// staying quiet for the whole verification window after rectification.
    /// </summary>
    private WorkOrderResult Close(IDbConnection connection, IDbTransaction transaction, WorkOrder order, WorkOrderStep step, string? note, long nowMs)
    {
        if (order.State != WorkOrderStates.AwaitingVerification)
        {
            return WorkOrderResult.Refused(409, $"work order {order.Id} is {order.State}: it must be rectified and verified before it can be closed", order);
        }

        var quietFor = nowMs - (order.RectifiedAt ?? nowMs);
        if (order.DeviceId is null || quietFor < options.VerificationWindowMs)
        {
            var why = order.DeviceId is null
                ? "an inspector's finding is closed only by an on-site verification (POST verify)"
                : $"the device has been quiet for {Hours(quietFor)} h of the {Hours(options.VerificationWindowMs)} h verification window; verify on site (POST verify) or wait";
            return WorkOrderResult.Refused(409, $"work order {order.Id} cannot be closed without verification: {why}", order);
        }

        return Move(connection, transaction, order, WorkOrderStates.Closed, "closed", step.Actor,
            note ?? $"no recurrence for {Hours(quietFor)} h after rectification", nowMs, "open = 0, closed_at = @nowMs, closed_by = @actor");
    }

    private WorkOrderResult Assign(IDbConnection connection, IDbTransaction transaction, WorkOrder order, WorkOrderStep step, string? note, long nowMs)
    {
        if (!WorkOrderStates.BeforeRectification(order.State))
        {
            return WorkOrderResult.Refused(409, $"work order {order.Id} is {order.State}: only an order not yet rectified can be (re)assigned", order);
        }

        GridOptions? grid;
        if (step.Grid is { } gridId)
        {
            grid = options.Grid(gridId);
            if (grid is null)
            {
                return WorkOrderResult.Refused(422, $"grid '{gridId}' is not configured (known grids: {string.Join(", ", options.Grids.Select(g => g.Id))})", order);
            }
        }
        else if (step.Assignee is { } named)
        {
            // A named member picks their grid when the order names none (or an unknown one).
            grid = options.Grid(order.Grid) ?? options.Grids.FirstOrDefault(g => g.Members.Contains(named, StringComparer.Ordinal));
        }
        else
        {
            grid = options.Grid(order.Grid);
        }

        if (grid is null)
        {
            return WorkOrderResult.Refused(422, step.Assignee is { } who
                ? $"'{who}' is not a member of any configured grid"
                : order.Grid is null
                    ? $"work order {order.Id} has no grid: name a grid or an assignee"
                    : $"work order {order.Id} is in grid '{order.Grid}', which is not configured: name a configured grid", order);
        }

        var assignee = step.Assignee ?? grid.Members[0];
        if (!grid.Members.Contains(assignee, StringComparer.Ordinal))
        {
            return WorkOrderResult.Refused(422, $"'{assignee}' is not a member of grid '{grid.Id}' (members: {string.Join(", ", grid.Members)})", order);
        }

        AssignTo(connection, transaction, order.Id, order.State, grid, assignee, step.Actor, nowMs, note);
        return WorkOrderResult.Ok(Get(connection, transaction, order.Id)!);
    }

    private static void AssignTo(IDbConnection connection, IDbTransaction transaction, long id, string fromState, GridOptions grid, string assignee, string actor, long nowMs, string? note)
    {
        // A reassignment during rectification keeps the work going; otherwise the order is now assigned.
        var to = fromState == WorkOrderStates.Rectifying ? WorkOrderStates.Rectifying : WorkOrderStates.Assigned;
        connection.Execute("UPDATE work_orders SET state = @to, grid = @grid, assignee = @assignee WHERE id = @id",
            new { to, grid = grid.Id, assignee, id }, transaction);
        var detail = $"grid {grid.Id}: {assignee}";
        Timeline(connection, transaction, id, nowMs, fromState == WorkOrderStates.Found ? "assigned" : "reassigned", actor, fromState, to, note is null ? detail : $"{detail} ({note})");
    }

    private WorkOrder Reopen(IDbConnection connection, IDbTransaction transaction, WorkOrder order, HazardReport report, long nowMs, string why)
    {
        var grid = options.Grid(order.Grid);
        var assignee = order.Assignee ?? grid?.Members[0];
        connection.Execute(
            """
            UPDATE work_orders SET state = @to, open = 1, assignee = @assignee, count = count + 1, last_seen = max(last_seen, @nowMs),
                alarm_id = coalesce(@AlarmId, alarm_id), reopen_count = reopen_count + 1, deadline = @deadline, escalation_level = 0,
                escalated_at = NULL, escalated_to = NULL, rectified_at = NULL, closed_at = NULL, closed_by = NULL
            WHERE id = @id
            """,
            new
            {
                to = assignee is null ? WorkOrderStates.Found : WorkOrderStates.Assigned, assignee, nowMs, report.AlarmId,
                deadline = nowMs + options.DeadlineMs(Enum.Parse<Ingestion.Alarms.Severity>(order.Severity)), id = order.Id,
            },
            transaction);
        Timeline(connection, transaction, order.Id, nowMs, "reopened", report.Actor, order.State, assignee is null ? WorkOrderStates.Found : WorkOrderStates.Assigned,
            assignee is null ? why : $"{why}; back to {assignee}");
        return Get(connection, transaction, order.Id)!;
    }

    private static WorkOrderResult Move(IDbConnection connection, IDbTransaction transaction, WorkOrder order, string to, string what, string actor, string? note, long nowMs, string? extra)
    {
        connection.Execute($"UPDATE work_orders SET state = @to{(extra is null ? "" : ", " + extra)} WHERE id = @id", new { to, nowMs, actor, id = order.Id }, transaction);
        Timeline(connection, transaction, order.Id, nowMs, what, actor, order.State, to, note);
        return WorkOrderResult.Ok(Get(connection, transaction, order.Id)!);
    }

    private static WorkOrderResult Skip(WorkOrder order, string what, string why) =>
        WorkOrderResult.Refused(409, $"cannot {what}: work order {order.Id} is {order.State}; {why}", order);

    private static string Describe(HazardReport report)
    {
        var text = report.Source switch
        {
            WorkOrderSources.RepeatRule => $"{report.Hazard} repeated on {report.DeviceId}",
            WorkOrderSources.Inspection => report.Description ?? report.Hazard,
            _ => $"{report.Hazard} ({report.Severity}) on {report.DeviceId}",
        };
        if (report.AlarmId is { } alarmId)
        {
            text += $", alarm #{alarmId}";
        }

        if (report.Photo is { } photo)
        {
            text += $", photo {photo}";
        }

        return report.Description is { } description && report.Source != WorkOrderSources.Inspection ? $"{text}: {description}" : text;
    }

    internal static string Hours(long ms) => (ms / 3_600_000.0).ToString("0.#", CultureInfo.InvariantCulture);
}
