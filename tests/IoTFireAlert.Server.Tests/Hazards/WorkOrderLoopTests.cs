using Dapper;
using IoTFireAlert.Ingestion.Alarms;
using IoTFireAlert.Ingestion.Readings;
using IoTFireAlert.Server.Alarms;
using IoTFireAlert.Server.Hazards;

namespace IoTFireAlert.Server.Tests.Hazards;

public sealed class WorkOrderLoopTests
{
    [Fact]
    public async Task LowBatteryWarning_RaisedClearedVerified_WalksTheLoopWithWhoAndWhen()
    {
        await using var f = new HazardFixture();
        var device = await f.DeviceAsync("SD-LB1");

        var raisedAt = f.Clock.NowMs;
        await f.RaiseAsync(device, AlarmType.LowBattery, Severity.Warning);
        var order = Assert.Single(f.OrdersOf("SD-LB1"));
        Assert.Equal(WorkOrderStates.Assigned, order.State);
        Assert.Equal(HazardFixture.MemberA, order.Assignee);
        Assert.Equal(HazardFixture.GridA, order.Grid);
        Assert.Equal("LowBattery", order.Hazard);
        Assert.Equal("SITE-1", order.Site);
        Assert.Equal(WorkOrderSources.Device, order.Source);
        Assert.Equal(raisedAt + (long)(168 * 3_600_000), order.Deadline);
        var alarm = Assert.Single(await f.Alarms.AllAsync("SD-LB1"));
        Assert.Equal(alarm.Id, order.AlarmId);

        f.Clock.Advance(TimeSpan.FromHours(5));
        var clearedAt = f.Clock.NowMs;
        await f.ClearAsync(device, AlarmType.LowBattery, Severity.Warning);
        order = f.Orders.Get(order.Id)!;
        Assert.Equal(WorkOrderStates.AwaitingVerification, order.State);
        Assert.True(order.Open);
        Assert.Equal(clearedAt, order.RectifiedAt);

        f.Clock.Advance(TimeSpan.FromHours(20));
        var verifiedAt = f.Clock.NowMs;
        order = f.Step(order.Id, WorkOrderAction.Verify, "Inspector Zhou");
        Assert.Equal(WorkOrderStates.Closed, order.State);
        Assert.False(order.Open);
        Assert.Equal("Inspector Zhou", order.ClosedBy);
        Assert.Equal(verifiedAt, order.ClosedAt);

        var timeline = f.Orders.Timeline(order.Id);
        Assert.Equal(["found", "assigned", "cleared", "verified"], timeline.Select(t => t.Event));
        Assert.Equal(["device:SD-LB1", WorkOrderStore.System, "device:SD-LB1", "Inspector Zhou"], timeline.Select(t => t.Actor));
        Assert.Equal([raisedAt, raisedAt, clearedAt, verifiedAt], timeline.Select(t => t.At));
        Assert.Equal([WorkOrderStates.Found, WorkOrderStates.Assigned, WorkOrderStates.AwaitingVerification, WorkOrderStates.Closed], timeline.Select(t => t.ToState));
        Assert.Contains(HazardFixture.MemberA, timeline[1].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SameHazardAgain_WithinVerificationWindowAfterClosing_ReopensTheSameOrder()
    {
        await using var f = new HazardFixture();
        var device = await f.DeviceAsync("SD-RE1");
        await f.RaiseAsync(device, AlarmType.LowBattery, Severity.Warning);
        await f.ClearAsync(device, AlarmType.LowBattery, Severity.Warning);
        var order = f.Step(Assert.Single(f.OrdersOf("SD-RE1")).Id, WorkOrderAction.Verify, "Inspector Zhou");

        f.Clock.Advance(TimeSpan.FromHours(71));
        await f.RaiseAsync(device, AlarmType.LowBattery, Severity.Warning);

        var reopened = Assert.Single(f.OrdersOf("SD-RE1"));
        Assert.Equal(order.Id, reopened.Id);
        Assert.Equal(WorkOrderStates.Assigned, reopened.State);
        Assert.True(reopened.Open);
        Assert.Equal(1, reopened.ReopenCount);
        Assert.Equal(2, reopened.Count);
        Assert.Null(reopened.ClosedAt);
        Assert.Equal(HazardFixture.MemberA, reopened.Assignee);
        var last = f.Orders.Timeline(order.Id)[^1];
        Assert.Equal("reopened", last.Event);
        Assert.Equal(WorkOrderStates.Closed, last.FromState);
        Assert.Equal(WorkOrderStates.Assigned, last.ToState);
    }

    [Fact]
    public async Task SameHazardAgain_WhileAwaitingVerification_ReopensBackToAssigned()
    {
        await using var f = new HazardFixture();
        var device = await f.DeviceAsync("SD-RE2");
        await f.RaiseAsync(device, AlarmType.Offline, Severity.Minor);
        var id = Assert.Single(f.OrdersOf("SD-RE2")).Id;
        f.Step(id, WorkOrderAction.Start, HazardFixture.MemberA);
        await f.ClearAsync(device, AlarmType.Offline, Severity.Minor);
        Assert.Equal(WorkOrderStates.AwaitingVerification, f.Orders.Get(id)!.State);

        f.Clock.Advance(TimeSpan.FromHours(2));
        await f.RaiseAsync(device, AlarmType.Offline, Severity.Minor);

        var order = Assert.Single(f.OrdersOf("SD-RE2"));
        Assert.Equal(WorkOrderStates.Assigned, order.State);
        Assert.Equal(1, order.ReopenCount);
        Assert.Null(order.RectifiedAt);
        Assert.Equal(f.Clock.NowMs + (long)(72 * 3_600_000), order.Deadline);
    }

    [Fact]
    public async Task SameHazardAgain_AfterVerificationWindow_OpensANewOrder()
    {
        await using var f = new HazardFixture();
        var device = await f.DeviceAsync("SD-NEW");
        await f.RaiseAsync(device, AlarmType.LowBattery, Severity.Warning);
        await f.ClearAsync(device, AlarmType.LowBattery, Severity.Warning);
        var first = f.Step(Assert.Single(f.OrdersOf("SD-NEW")).Id, WorkOrderAction.Verify, "Inspector Zhou");

        f.Clock.Advance(TimeSpan.FromHours(72) + TimeSpan.FromMinutes(1));
        await f.RaiseAsync(device, AlarmType.LowBattery, Severity.Warning);

        var orders = f.OrdersOf("SD-NEW");
        Assert.Equal(2, orders.Count);
        Assert.Equal(WorkOrderStates.Closed, orders[0].State);
        Assert.Equal(first.ClosedAt, orders[0].ClosedAt);
        Assert.Equal(WorkOrderStates.Assigned, orders[1].State);
        Assert.Equal(0, orders[1].ReopenCount);
    }

    [Fact]
    public async Task ClearedHazard_NeverClosesTheOrder_ItWaitsForVerification()
    {
        await using var f = new HazardFixture();
        var device = await f.DeviceAsync("SD-CLR");
        for (var i = 0; i < 3; i++)
        {
            await f.RaiseAsync(device, AlarmType.SensorFault, Severity.Minor);
            await f.ClearAsync(device, AlarmType.SensorFault, Severity.Minor);
        }

        var order = Assert.Single(f.OrdersOf("SD-CLR"));
        Assert.Equal(WorkOrderStates.AwaitingVerification, order.State);
        Assert.True(order.Open);
        Assert.Null(order.ClosedAt);
        Assert.Equal(2, order.ReopenCount);
    }

    [Fact]
    public async Task RepeatsOfAnActiveHazardAlarm_CountOnTheOrder_WithoutATimelineLineEach()
    {
        await using var f = new HazardFixture();
        var device = await f.DeviceAsync("SD-REP");
        for (var i = 0; i < 5; i++)
        {
            f.Clock.Advance(TimeSpan.FromMinutes(30));
            await f.RaiseAsync(device, AlarmType.LowBattery, Severity.Warning);
        }

        var order = Assert.Single(f.OrdersOf("SD-REP"));
        Assert.Equal(5, order.Count);
        Assert.Equal(f.Clock.NowMs, order.LastSeen);
        Assert.Equal(["found", "assigned"], f.Orders.Timeline(order.Id).Select(t => t.Event));
    }

    [Fact]
    public async Task ConcurrentRepeats_FromManyTasks_OpenExactlyOneOrder()
    {
        await using var f = new HazardFixture();
        var device = await f.DeviceAsync("SD-RACE");
        await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(() => f.RaiseAsync(device, AlarmType.LowBattery, Severity.Warning))));

        var order = Assert.Single(f.OrdersOf("SD-RACE"));
        Assert.Equal(200, order.Count);
        Assert.True(order.Open);
    }

    [Fact]
    public async Task ConcurrentDeviceAndInspectorReports_NeverTwoOpenOrders()
    {
        await using var f = new HazardFixture();
        var device = await f.DeviceAsync("SD-MIX");
        var fromDevice = Enumerable.Range(0, 60).Select(i => Task.Run(() => i % 2 == 0
            ? f.RaiseAsync(device, AlarmType.LowBattery, Severity.Warning)
            : f.ClearAsync(device, AlarmType.LowBattery, Severity.Warning)));
        var fromInspectors = Enumerable.Range(0, 60).Select(i => Task.Run(() =>
        {
            var result = f.Orders.Create(new ManualFinding { Site = "SITE-1", DeviceId = "SD-MIX", Hazard = "LowBattery", Photo = $"photos/{i}.jpg", Description = "battery flat" }, $"inspector {i}");
            Assert.Null(result.Error);
        }));
        await Task.WhenAll(fromDevice.Concat(fromInspectors));

        var orders = f.OrdersOf("SD-MIX");
        Assert.Single(orders, o => o.Open);
        Assert.Single(orders);
        Assert.True(orders[0].Count >= 61, $"count {orders[0].Count}: every finding and the first raising count");
    }

    [Fact]
    public async Task Schema_SecondOpenOrderForDeviceAndHazard_IsRefusedByTheDatabase()
    {
        await using var f = new HazardFixture();
        f.InsertOrder("SITE-1", "D-1", "Offline", Severity.Minor, WorkOrderStates.Assigned, 0, 1);
        f.InsertOrder("SITE-1", "D-1", "Offline", Severity.Minor, WorkOrderStates.Closed, 0, 1, closedAt: 1);
        var error = Assert.Throws<Microsoft.Data.Sqlite.SqliteException>(() => f.InsertOrder("SITE-1", "D-1", "Offline", Severity.Minor, WorkOrderStates.Found, 0, 1));
        Assert.Contains("UNIQUE", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChargingPileWarnings_RaisedNTimesInTheWindow_OpenAnOrder()
    {
        await using var f = new HazardFixture();
        var pile = await f.DeviceAsync("CP-1", "SITE-C", HazardFixture.GridB, DeviceKind.ChargingPile);

        async Task RaiseAndResolveAsync()
        {
            await f.RaiseAsync(pile, AlarmType.ChargingPortOverTemperature, Severity.Major);
            var active = (await f.Alarms.AllAsync("CP-1")).Single(a => a.Active);
            var done = await f.Alarms.Writer.ActAsync(new OperatorAction(active.Id, OperatorActionKind.Resolve, "dispatcher", ResolutionCause.Nuisance, null), CancellationToken.None);
            Assert.Null(done.Error);
        }

        await RaiseAndResolveAsync();
        f.Clock.Advance(TimeSpan.FromHours(25));
        await RaiseAndResolveAsync();
        f.Clock.Advance(TimeSpan.FromHours(1));
        await RaiseAndResolveAsync();
        Assert.Empty(f.OrdersOf("CP-1"));

        f.Clock.Advance(TimeSpan.FromHours(1));
        await RaiseAndResolveAsync();
        var order = Assert.Single(f.OrdersOf("CP-1"));
        Assert.Equal(WorkOrderSources.RepeatRule, order.Source);
        Assert.Equal("Major", order.Severity);
        Assert.Equal(HazardFixture.MemberB, order.Assignee);
        Assert.Equal(f.Clock.NowMs + (long)(24 * 3_600_000), order.Deadline);

        await RaiseAndResolveAsync();
        order = Assert.Single(f.OrdersOf("CP-1"));
        Assert.Equal(2, order.Count);
    }

    [Fact]
    public async Task FireAlarm_OpensNoOrder_ButColoursTheSiteRed()
    {
        await using var f = new HazardFixture();
        var device = await f.DeviceAsync("SD-FIRE", "SITE-F");
        await f.RaiseAsync(device, AlarmType.SmokeAlarm, Severity.Critical);

        Assert.Empty(f.OrdersOf("SD-FIRE"));
        var site = Assert.Single(f.Sites.List(RiskCodes.Red, dueToday: false));
        Assert.Equal("SITE-F", site.Site);
        Assert.Contains("Critical alarm", site.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeviceWithoutAConfiguredGrid_OrderStaysFound_UntilAssignedByHand()
    {
        await using var f = new HazardFixture();
        var device = await f.DeviceAsync("SD-NOGRID", grid: "GRID-UNKNOWN");
        await f.RaiseAsync(device, AlarmType.Tamper, Severity.Minor);

        var order = Assert.Single(f.OrdersOf("SD-NOGRID"));
        Assert.Equal(WorkOrderStates.Found, order.State);
        Assert.Null(order.Assignee);
        Assert.Contains("GRID-UNKNOWN", f.Orders.Timeline(order.Id)[0].Detail, StringComparison.Ordinal);

        order = f.Step(order.Id, WorkOrderAction.Assign, "dispatcher Wu", grid: HazardFixture.GridB);
        Assert.Equal(WorkOrderStates.Assigned, order.State);
        Assert.Equal(HazardFixture.MemberB, order.Assignee);
        Assert.Equal(HazardFixture.GridB, order.Grid);
    }

    [Fact]
    public async Task AlarmHookFailure_RollsBackTheAlarmToo()
    {
        await using var f = new HazardFixture();
        var device = await f.DeviceAsync("SD-RB");
        using (var connection = f.Database.Open())
        {
            // A broken work-order table makes the hook throw inside the writer's transaction.
            connection.Execute("ALTER TABLE work_orders RENAME TO work_orders_away");
        }

        await f.RaiseAsync(device, AlarmType.LowBattery, Severity.Warning);

        Assert.Empty(await f.Alarms.AllAsync("SD-RB"));
        Assert.Equal(1, f.Alarms.DeadLetters.Counts.Single(c => c.Key.Stage == "alarm-store").Value);
    }
}
