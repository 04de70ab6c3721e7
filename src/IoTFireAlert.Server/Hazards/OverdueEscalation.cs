using Dapper;
using IoTFireAlert.Server.Storage;

namespace IoTFireAlert.Server.Hazards;

/// <summary>
/// Every <see cref="HazardOptions.OverdueCheckSeconds"/>: an order past its rectification deadline
/// goes to its grid's supervisor; still overdue <see cref="HazardOptions.EscalateToOfficeAfterHours"/>
/// later, to the fire-safety office. Each step lands in the timeline. The same sweep recomputes the
/// codes of sites whose code can change with time alone (alarms ageing out of the window, orders
/// turning overdue). Time comes from <see cref="TimeProvider"/>, so tests drive it with a fake clock.
/// </summary>
public sealed class OverdueEscalation(SqliteDatabase database, HazardOptions options, SiteRiskRules risk, TimeProvider clock, ILogger<OverdueEscalation> logger) : BackgroundService
{
    private long _sweeps;
    private bool _allSitesDone;

    public long Sweeps => Interlocked.Read(ref _sweeps);

    /// <summary>One pass at the clock's current time; returns how many escalations it made.</summary>
    public int Sweep()
    {
        var nowMs = clock.GetUtcNow().ToUnixTimeMilliseconds();
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        var escalated = 0;
        var sites = new HashSet<string>(StringComparer.Ordinal);

        var toSupervisor = connection.Query<WorkOrder>(
            $"SELECT {WorkOrder.Columns} FROM work_orders WHERE open = 1 AND deadline < @nowMs AND escalation_level = 0 AND state IN ('found', 'assigned', 'rectifying')",
            new { nowMs }, transaction).AsList();
        foreach (var order in toSupervisor)
        {
            // Without a configured grid there is no supervisor: the office hears of it at once.
            var supervisor = options.Grid(order.Grid)?.Supervisor;
            var level = supervisor is null ? 2 : 1;
            var target = supervisor ?? options.FireSafetyOffice;
            Escalate(connection, transaction, order, level, target, nowMs,
                supervisor is null
                    ? $"overdue since {SiteRiskRules.Time(order.Deadline)}; no grid supervisor, escalated to {target}"
                    : $"overdue since {SiteRiskRules.Time(order.Deadline)}; escalated to grid {order.Grid} supervisor {target}");
            escalated++;
            AddSite(sites, order);
        }

        var officeBefore = nowMs - options.OfficeAfterMs;
        var toOffice = connection.Query<WorkOrder>(
            $"SELECT {WorkOrder.Columns} FROM work_orders WHERE open = 1 AND escalation_level = 1 AND escalated_at <= @officeBefore AND state IN ('found', 'assigned', 'rectifying')",
            new { officeBefore }, transaction).AsList();
        foreach (var order in toOffice)
        {
            Escalate(connection, transaction, order, 2, options.FireSafetyOffice, nowMs,
                $"still overdue {WorkOrderStore.Hours(nowMs - order.EscalatedAt!.Value)} h after escalation to {order.EscalatedTo}; escalated to {options.FireSafetyOffice}");
            escalated++;
            AddSite(sites, order);
        }

        // Codes that time alone can change: any non-green site (a Critical alarm ages out, an order turns
        // overdue). The first sweep after start covers every known site, for alarms stored before this module.
        var recompute = _allSitesDone
            ? connection.Query<string>("SELECT site FROM site_risk WHERE code <> 'green'", transaction: transaction)
            : connection.Query<string>("SELECT site FROM devices WHERE site IS NOT NULL UNION SELECT site FROM alarms WHERE site IS NOT NULL UNION SELECT site FROM site_risk", transaction: transaction);
        sites.UnionWith(recompute);
        foreach (var site in sites)
        {
            risk.Recompute(connection, transaction, site, nowMs);
        }

        transaction.Commit();
        _allSitesDone = true;
        Interlocked.Increment(ref _sweeps);
        return escalated;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the host's start-up path: the first sweep may recompute every site.
        await Task.Yield();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.OverdueCheckSeconds), clock);
        do
        {
            try
            {
                var escalated = Sweep();
                if (escalated > 0)
                {
                    logger.LogWarning("{Count} overdue hazard work orders escalated", escalated);
                }
            }
            catch (Microsoft.Data.Sqlite.SqliteException e)
            {
                // The next tick retries; an escalation is late, never lost.
                logger.LogError(e, "overdue sweep failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private static void Escalate(Microsoft.Data.Sqlite.SqliteConnection connection, Microsoft.Data.Sqlite.SqliteTransaction transaction, WorkOrder order, int level, string target, long nowMs, string detail)
    {
        connection.Execute("UPDATE work_orders SET escalation_level = @level, escalated_at = @nowMs, escalated_to = @target WHERE id = @id",
            new { level, nowMs, target, id = order.Id }, transaction);
        WorkOrderStore.Timeline(connection, transaction, order.Id, nowMs, level == 1 ? "escalated_to_supervisor" : "escalated_to_office", WorkOrderStore.System,
            order.State, order.State, detail);
    }

    private static void AddSite(HashSet<string> sites, WorkOrder order)
    {
        if (order.Site is { } site)
        {
            sites.Add(site);
        }
    }
}
