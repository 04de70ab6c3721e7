using IoTFireAlert.Ingestion.Alarms;
using IoTFireAlert.Server.Hazards;
using IoTFireAlert.Server.Metrics;

namespace IoTFireAlert.Server.Tests.Hazards;

public sealed class OverdueEscalationTests
{
    [Fact]
    public async Task OverdueOrder_GoesToTheSupervisor_ThenToTheFireSafetyOffice()
    {
        await using var f = new HazardFixture();
        var device = await f.DeviceAsync("SD-OD");
        await f.RaiseAsync(device, AlarmType.Offline, Severity.Minor);
        var order = Assert.Single(f.OrdersOf("SD-OD"));

        f.Clock.Advance(TimeSpan.FromHours(72));
        Assert.Equal(0, f.Escalation.Sweep());
        f.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, f.Escalation.Sweep());
        order = f.Orders.Get(order.Id)!;
        Assert.Equal(1, order.EscalationLevel);
        Assert.Equal(HazardFixture.SupervisorA, order.EscalatedTo);
        var supervisorAt = f.Clock.NowMs;
        Assert.Equal(supervisorAt, order.EscalatedAt);
        Assert.Equal(0, f.Escalation.Sweep());

        f.Clock.Advance(TimeSpan.FromHours(23));
        Assert.Equal(0, f.Escalation.Sweep());
        f.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, f.Escalation.Sweep());
        order = f.Orders.Get(order.Id)!;
        Assert.Equal(2, order.EscalationLevel);
        Assert.Equal(HazardFixture.Office, order.EscalatedTo);
        Assert.Equal(0, f.Escalation.Sweep());

        var escalations = f.Orders.Timeline(order.Id).Where(t => t.Event.StartsWith("escalated", StringComparison.Ordinal)).ToList();
        Assert.Equal(["escalated_to_supervisor", "escalated_to_office"], escalations.Select(e => e.Event));
        Assert.Equal([supervisorAt, f.Clock.NowMs], escalations.Select(e => e.At));
        Assert.All(escalations, e => Assert.Equal(WorkOrderStore.System, e.Actor));
        Assert.Contains(HazardFixture.SupervisorA, escalations[0].Detail, StringComparison.Ordinal);
        Assert.Contains(HazardFixture.Office, escalations[1].Detail, StringComparison.Ordinal);

        var metrics = new PrometheusWriter();
        f.Metrics.WriteMetrics(metrics);
        var text = metrics.ToString();
        Assert.Contains("iotfire_work_orders_open{state=\"assigned\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("iotfire_work_orders_overdue 1\n", text, StringComparison.Ordinal);
        Assert.Contains("iotfire_work_order_escalations_total{to=\"supervisor\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("iotfire_work_order_escalations_total{to=\"office\"} 1\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RectifiedOrder_PastItsDeadline_IsNotEscalated()
    {
        await using var f = new HazardFixture();
        var device = await f.DeviceAsync("SD-OK");
        await f.RaiseAsync(device, AlarmType.Offline, Severity.Minor);
        await f.ClearAsync(device, AlarmType.Offline, Severity.Minor);

        f.Clock.Advance(TimeSpan.FromDays(10));
        Assert.Equal(0, f.Escalation.Sweep());
        Assert.Equal(0, Assert.Single(f.OrdersOf("SD-OK")).EscalationLevel);
    }

    [Fact]
    public async Task OverdueOrderWithoutAGrid_GoesStraightToTheOffice()
    {
        await using var f = new HazardFixture();
        var device = await f.DeviceAsync("SD-NG", grid: null);
        await f.RaiseAsync(device, AlarmType.Fault, Severity.Minor);

        f.Clock.Advance(TimeSpan.FromHours(73));
        Assert.Equal(1, f.Escalation.Sweep());
        var order = Assert.Single(f.OrdersOf("SD-NG"));
        Assert.Equal(2, order.EscalationLevel);
        Assert.Equal(HazardFixture.Office, order.EscalatedTo);
    }

    [Fact]
    public async Task BackgroundService_DrivenByTheClock_EscalatesAndRecolours()
    {
        await using var f = new HazardFixture();
        f.InsertOrder("SITE-M", "CP-9", "ChargingPileLeakage", Severity.Major, WorkOrderStates.Assigned, f.Clock.NowMs, f.Clock.NowMs + 3_600_000);
        using (var connection = f.Database.Open())
        using (var transaction = connection.BeginTransaction())
        {
            Assert.Equal(RiskCodes.Yellow, f.Risk.Recompute(connection, transaction, "SITE-M", f.Clock.NowMs).Code);
            transaction.Commit();
        }

        using var stop = new CancellationTokenSource();
        await f.Escalation.StartAsync(stop.Token);
        try
        {
            await WaitUntilAsync(() => f.Escalation.Sweeps >= 1);
            f.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(f.Options.OverdueCheckSeconds));
            await WaitUntilAsync(() => f.Orders.List(new WorkOrderFilter(Site: "SITE-M")).Single().EscalationLevel == 1);
            await WaitUntilAsync(() => f.Sites.Get("SITE-M")?.Code == RiskCodes.Red);
            Assert.Contains("overdue", f.Sites.Get("SITE-M")!.Reason, StringComparison.Ordinal);
        }
        finally
        {
            await stop.CancelAsync();
            await f.Escalation.StopAsync(CancellationToken.None);
            f.Escalation.Dispose();
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition was not reached within 20 s");
            await Task.Delay(20);
        }
    }
}
