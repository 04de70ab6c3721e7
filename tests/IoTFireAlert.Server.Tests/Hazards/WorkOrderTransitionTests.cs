using IoTFireAlert.Ingestion.Alarms;
using IoTFireAlert.Server.Hazards;

namespace IoTFireAlert.Server.Tests.Hazards;

public sealed class WorkOrderTransitionTests
{
    private static ManualFinding Finding(string site = "SITE-1", string? device = null, string? grid = null) =>
        new() { Site = site, DeviceId = device, Grid = grid, Hazard = "BlockedExit", Photo = "s3://inspections/2025/0142.jpg", Description = "e-bikes parked in the stairwell", Severity = "major" };

    /// <summary>Asserts the step is refused with the status and a reason naming <paramref name="reasonPart"/>, and that neither the order nor its timeline changed.</summary>
    private static void AssertRefused(HazardFixture f, long id, WorkOrderStep step, int status, string reasonPart)
    {
        var before = f.Orders.Get(id);
        var timelineBefore = f.Orders.Timeline(id).Count;
        var result = f.Orders.Act(id, step);
        Assert.Equal(status, result.StatusCode);
        Assert.NotNull(result.Error);
        Assert.Contains(reasonPart, result.Error, StringComparison.Ordinal);
        Assert.Equal(before, f.Orders.Get(id));
        Assert.Equal(timelineBefore, f.Orders.Timeline(id).Count);
    }

    [Fact]
    public async Task InspectorFinding_WalksEveryStep_WithWhoAndWhenInTheTimeline()
    {
        await using var f = new HazardFixture();
        await f.DeviceAsync("SD-1", "SITE-1", HazardFixture.GridA);
        var created = f.Orders.Create(Finding(), "Inspector Zhou");
        Assert.Equal(201, created.StatusCode);
        var order = created.Order!;
        Assert.Equal(WorkOrderSources.Inspection, order.Source);
        Assert.Equal(HazardFixture.GridA, order.Grid);
        Assert.Equal(WorkOrderStates.Assigned, order.State);
        Assert.Equal("s3://inspections/2025/0142.jpg", order.Photo);
        Assert.Equal("Major", order.Severity);

        f.Step(order.Id, WorkOrderAction.Assign, "dispatcher Wu", assignee: HazardFixture.SecondMemberA);
        f.Clock.Advance(TimeSpan.FromHours(1));
        f.Step(order.Id, WorkOrderAction.Start, HazardFixture.SecondMemberA);
        f.Clock.Advance(TimeSpan.FromHours(3));
        f.Step(order.Id, WorkOrderAction.Rectified, HazardFixture.SecondMemberA, note: "bikes moved to the charging shed");
        f.Step(order.Id, WorkOrderAction.Reject, "Inspector Zhou", note: "two bikes still inside");
        f.Step(order.Id, WorkOrderAction.Rectified, HazardFixture.SecondMemberA);
        f.Clock.Advance(TimeSpan.FromHours(1));
        order = f.Step(order.Id, WorkOrderAction.Verify, "Inspector Zhou");

        Assert.Equal(WorkOrderStates.Closed, order.State);
        Assert.Equal(HazardFixture.SecondMemberA, order.Assignee);
        var timeline = f.Orders.Timeline(order.Id);
        Assert.Equal(["found", "assigned", "reassigned", "started", "rectified", "rejected", "rectified", "verified"], timeline.Select(t => t.Event));
        Assert.Equal("Inspector Zhou", timeline[0].Actor);
        Assert.Equal("dispatcher Wu", timeline[2].Actor);
        Assert.Equal("two bikes still inside", timeline[5].Detail);
        Assert.Equal(WorkOrderStates.Rectifying, timeline[5].ToState);
        Assert.Equal(timeline[^1].At, order.ClosedAt);
        Assert.True(timeline.Zip(timeline.Skip(1)).All(p => p.First.At <= p.Second.At));
    }

    [Fact]
    public async Task SkippingASteps_IsRefusedWithTheReason_AndChangesNothing()
    {
        await using var f = new HazardFixture();
        var id = f.Orders.Create(Finding(site: "SITE-NOGRID"), "Inspector Zhou").Order!.Id;
        Assert.Equal(WorkOrderStates.Found, f.Orders.Get(id)!.State);

        AssertRefused(f, id, new WorkOrderStep(WorkOrderAction.Start, "x"), 409, "assign it first");
        AssertRefused(f, id, new WorkOrderStep(WorkOrderAction.Rectified, "x"), 409, "has not started");
        AssertRefused(f, id, new WorkOrderStep(WorkOrderAction.Verify, "x"), 409, "awaiting verification");
        AssertRefused(f, id, new WorkOrderStep(WorkOrderAction.Close, "x"), 409, "must be rectified and verified");

        f.Step(id, WorkOrderAction.Assign, "dispatcher", grid: HazardFixture.GridA);
        AssertRefused(f, id, new WorkOrderStep(WorkOrderAction.Rectified, "x"), 409, "POST start first");
        AssertRefused(f, id, new WorkOrderStep(WorkOrderAction.Reject, "x"), 409, "only an order awaiting verification");

        f.Step(id, WorkOrderAction.Start, HazardFixture.MemberA);
        AssertRefused(f, id, new WorkOrderStep(WorkOrderAction.Verify, "x"), 409, "is rectifying");
        AssertRefused(f, id, new WorkOrderStep(WorkOrderAction.Close, "x"), 409, "must be rectified and verified");

        f.Step(id, WorkOrderAction.Rectified, HazardFixture.MemberA);
        AssertRefused(f, id, new WorkOrderStep(WorkOrderAction.Assign, "x"), 409, "not yet rectified");
        AssertRefused(f, id, new WorkOrderStep(WorkOrderAction.Close, "x"), 409, "cannot be closed without verification");

        f.Step(id, WorkOrderAction.Verify, "Inspector Zhou");
        AssertRefused(f, id, new WorkOrderStep(WorkOrderAction.Start, "x"), 409, "is closed");
        AssertRefused(f, 999_999, new WorkOrderStep(WorkOrderAction.Start, "x"), 404, "does not exist");
    }

    [Fact]
    public async Task CloseWithoutVerification_DeviceHazardWithinWindow_IsRefused_AfterAQuietWindowItCloses()
    {
        await using var f = new HazardFixture();
        var device = await f.DeviceAsync("SD-Q");
        await f.RaiseAsync(device, AlarmType.LowBattery, Severity.Warning);
        await f.ClearAsync(device, AlarmType.LowBattery, Severity.Warning);
        var id = Assert.Single(f.OrdersOf("SD-Q")).Id;

        f.Clock.Advance(TimeSpan.FromHours(71));
        AssertRefused(f, id, new WorkOrderStep(WorkOrderAction.Close, "dispatcher"), 409, "cannot be closed without verification");

        f.Clock.Advance(TimeSpan.FromHours(1));
        var closed = f.Step(id, WorkOrderAction.Close, "dispatcher Wu");
        Assert.Equal(WorkOrderStates.Closed, closed.State);
        Assert.Equal("dispatcher Wu", closed.ClosedBy);
        Assert.Contains("no recurrence", f.Orders.Timeline(id)[^1].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InspectorFinding_CannotBeClosedWithoutOnSiteVerification_EvenAfterTheWindow()
    {
        await using var f = new HazardFixture();
        await f.DeviceAsync("SD-1");
        var id = f.Orders.Create(Finding(), "Inspector Zhou").Order!.Id;
        f.Step(id, WorkOrderAction.Start, HazardFixture.MemberA);
        f.Step(id, WorkOrderAction.Rectified, HazardFixture.MemberA);
        f.Clock.Advance(TimeSpan.FromDays(10));
        AssertRefused(f, id, new WorkOrderStep(WorkOrderAction.Close, "dispatcher"), 409, "on-site verification");
    }

    [Fact]
    public async Task UnknownAssigneeOrGrid_IsRefusedWith422_AndChangesNothing()
    {
        await using var f = new HazardFixture();
        await f.DeviceAsync("SD-1");
        var id = f.Orders.Create(Finding(), "Inspector Zhou").Order!.Id;

        AssertRefused(f, id, new WorkOrderStep(WorkOrderAction.Assign, "dispatcher", Assignee: "Nobody Known"), 422, "'Nobody Known' is not a member of grid 'GRID-A'");
        AssertRefused(f, id, new WorkOrderStep(WorkOrderAction.Assign, "dispatcher", Grid: "GRID-ZZ"), 422, "grid 'GRID-ZZ' is not configured");
        AssertRefused(f, id, new WorkOrderStep(WorkOrderAction.Assign, "dispatcher", Assignee: HazardFixture.MemberB, Grid: HazardFixture.GridA), 422, "is not a member of grid 'GRID-A'");

        var orphan = f.Orders.Create(Finding(site: "SITE-NOGRID"), "Inspector Zhou").Order!.Id;
        AssertRefused(f, orphan, new WorkOrderStep(WorkOrderAction.Assign, "dispatcher"), 422, "has no grid");
        AssertRefused(f, orphan, new WorkOrderStep(WorkOrderAction.Assign, "dispatcher", Assignee: "Nobody Known"), 422, "not a member of any configured grid");
        var assigned = f.Step(orphan, WorkOrderAction.Assign, "dispatcher", assignee: HazardFixture.MemberB);
        Assert.Equal(HazardFixture.GridB, assigned.Grid);
    }

    [Fact]
    public async Task ManualFinding_BadInput_IsRefusedWithTheReason_AndOpensNothing()
    {
        await using var f = new HazardFixture();
        await f.DeviceAsync("SD-1");

        Assert.Equal(400, f.Orders.Create(Finding() with { Photo = null }, "x").StatusCode);
        Assert.Equal(400, f.Orders.Create(Finding() with { Description = " " }, "x").StatusCode);
        Assert.Equal(400, f.Orders.Create(Finding() with { Site = null }, "x").StatusCode);
        Assert.Equal(400, f.Orders.Create(Finding() with { Severity = "critical" }, "x").StatusCode);
        var unknownDevice = f.Orders.Create(Finding(device: "NOPE"), "x");
        Assert.Equal(422, unknownDevice.StatusCode);
        Assert.Contains("'NOPE' is not registered", unknownDevice.Error, StringComparison.Ordinal);
        var unknownGrid = f.Orders.Create(Finding(grid: "GRID-ZZ"), "x");
        Assert.Equal(422, unknownGrid.StatusCode);
        Assert.Empty(f.Orders.List(new WorkOrderFilter()));
    }

    [Fact]
    public async Task ManualFinding_ForADeviceWithAnOpenOrder_AddsToIt()
    {
        await using var f = new HazardFixture();
        var device = await f.DeviceAsync("SD-2");
        await f.RaiseAsync(device, AlarmType.Fault, Severity.Minor);
        var result = f.Orders.Create(new ManualFinding { Site = "SITE-1", DeviceId = "SD-2", Hazard = "Fault", Photo = "p.jpg", Description = "detector housing cracked" }, "Inspector Zhou");

        Assert.Equal(200, result.StatusCode);
        var order = Assert.Single(f.OrdersOf("SD-2"));
        Assert.Equal(2, order.Count);
        Assert.Equal("repeated", f.Orders.Timeline(order.Id)[^1].Event);
    }
}
