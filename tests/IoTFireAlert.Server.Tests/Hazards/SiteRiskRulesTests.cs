using IoTFireAlert.Ingestion.Alarms;
using IoTFireAlert.Server.Hazards;

namespace IoTFireAlert.Server.Tests.Hazards;

public sealed class SiteRiskRulesTests
{
    private const long Day = 86_400_000;
    private const string Site = "SITE-R";

    private static (string Code, string Reason) Code(HazardFixture f, string site = Site)
    {
        using var connection = f.Database.Open();
        return f.Risk.Evaluate(connection, null, site, f.Clock.NowMs);
    }

    [Fact]
    public async Task NoHistory_IsGreen()
    {
        await using var f = new HazardFixture();
        Assert.Equal(RiskCodes.Green, Code(f).Code);
    }

    [Fact]
    public async Task CriticalAlarm_Exactly30DaysAgo_IsRed_OneMillisecondEarlierIsNot()
    {
        await using var f = new HazardFixture();
        var now = f.Clock.NowMs;
        f.InsertAlarm(Site, AlarmType.SmokeAlarm, Severity.Critical, now - (30 * Day) - 1);
        Assert.Equal(RiskCodes.Green, Code(f).Code);

        var id = f.InsertAlarm(Site, AlarmType.ManualCallPoint, Severity.Critical, now - (30 * Day));
        var (code, reason) = Code(f);
        Assert.Equal(RiskCodes.Red, code);
        Assert.Contains($"Critical alarm #{id} ManualCallPoint", reason, StringComparison.Ordinal);
        Assert.Equal(RiskCodes.Green, Code(f, "OTHER-SITE").Code);

        f.Clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(RiskCodes.Green, Code(f).Code);
    }

    [Fact]
    public async Task MajorAlarm_Within30Days_IsYellow_OutsideIsGreen()
    {
        await using var f = new HazardFixture();
        var now = f.Clock.NowMs;
        f.InsertAlarm(Site, AlarmType.ResidualCurrentAlarm, Severity.Major, now - (30 * Day) - 1);
        Assert.Equal(RiskCodes.Green, Code(f).Code);

        f.InsertAlarm(Site, AlarmType.ChargingPortOverTemperature, Severity.Major, now - (30 * Day));
        var (code, reason) = Code(f);
        Assert.Equal(RiskCodes.Yellow, code);
        Assert.Contains("Major alarm", reason, StringComparison.Ordinal);

        // Hazard alarms alone (no open order) leave a site green.
        f.InsertAlarm("SITE-W", AlarmType.LowBattery, Severity.Warning, now);
        Assert.Equal(RiskCodes.Green, Code(f, "SITE-W").Code);
    }

    [Fact]
    public async Task OpenHazards_OneOrTwoAreYellow_ThreeAreRed_ClosedOnesDoNotCount()
    {
        await using var f = new HazardFixture();
        var now = f.Clock.NowMs;
        f.InsertOrder(Site, "D-1", "LowBattery", Severity.Warning, WorkOrderStates.Closed, now - Day, now + Day, closedAt: now);
        f.InsertOrder(Site, "D-2", "LowBattery", Severity.Warning, WorkOrderStates.Closed, now - Day, now + Day, closedAt: now);
        Assert.Equal(RiskCodes.Green, Code(f).Code);

        f.InsertOrder(Site, "D-1", "LowBattery", Severity.Warning, WorkOrderStates.Assigned, now, now + Day);
        Assert.Equal((RiskCodes.Yellow, "1 open hazard"), Code(f));
        f.InsertOrder(Site, "D-2", "Offline", Severity.Minor, WorkOrderStates.AwaitingVerification, now, now + Day);
        Assert.Equal(RiskCodes.Yellow, Code(f).Code);
        f.InsertOrder(Site, null, "BlockedExit", Severity.Minor, WorkOrderStates.Found, now, now + Day);
        var (code, reason) = Code(f);
        Assert.Equal(RiskCodes.Red, code);
        Assert.Contains("3 open hazards", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OverdueMajorHazard_IsRed_UntilRectified_AndNotBeforeItsDeadline()
    {
        await using var f = new HazardFixture();
        var now = f.Clock.NowMs;
        var id = f.InsertOrder(Site, "CP-1", "ChargingPileLeakage", Severity.Major, WorkOrderStates.Rectifying, now - Day, now);
        Assert.Equal(RiskCodes.Yellow, Code(f).Code);

        f.Clock.Advance(TimeSpan.FromMilliseconds(1));
        var (code, reason) = Code(f);
        Assert.Equal(RiskCodes.Red, code);
        Assert.Contains($"order #{id}", reason, StringComparison.Ordinal);

        f.Step(id, WorkOrderAction.Rectified, "Li Na");
        Assert.Equal(RiskCodes.Yellow, Code(f).Code);

        // An overdue Minor hazard is only one open hazard.
        f.InsertOrder("SITE-MINOR", "D-9", "Offline", Severity.Minor, WorkOrderStates.Assigned, now - (10 * Day), now - Day);
        Assert.Equal(RiskCodes.Yellow, Code(f, "SITE-MINOR").Code);
    }

    [Fact]
    public async Task Thresholds_ComeFromConfiguration()
    {
        var options = HazardFixture.DefaultOptions();
        options.RiskCode.RedOpenHazards = 2;
        options.RiskCode.CriticalAlarmWindowDays = 7;
        await using var f = new HazardFixture(options);
        var now = f.Clock.NowMs;
        f.InsertAlarm(Site, AlarmType.SmokeAlarm, Severity.Critical, now - (8 * Day));
        Assert.Equal(RiskCodes.Green, Code(f).Code);
        f.InsertOrder(Site, "D-1", "Offline", Severity.Minor, WorkOrderStates.Assigned, now, now + Day);
        f.InsertOrder(Site, "D-2", "Offline", Severity.Minor, WorkOrderStates.Assigned, now, now + Day);
        Assert.Equal(RiskCodes.Red, Code(f).Code);
    }

    [Fact]
    public async Task Sites_ListByCode_AndWhatIsDueToday_FollowTheCadence()
    {
        await using var f = new HazardFixture();
        var smoke = await f.DeviceAsync("SD-RED", "SITE-RED");
        await f.DeviceAsync("SD-GREEN", "SITE-GREEN");
        var battery = await f.DeviceAsync("SD-YEL", "SITE-YEL");
        await f.RaiseAsync(smoke, AlarmType.SmokeAlarm, Severity.Critical);
        await f.RaiseAsync(battery, AlarmType.LowBattery, Severity.Warning);

        var all = f.Sites.List(null, dueToday: false);
        Assert.Equal(["SITE-RED", "SITE-YEL", "SITE-GREEN"], all.Select(s => s.Site));
        Assert.Equal([RiskCodes.Red, RiskCodes.Yellow, RiskCodes.Green], all.Select(s => s.Code));
        Assert.Equal([1.0, 7.0, 30.0], all.Select(s => s.CadenceDays));
        Assert.Equal(1, all[1].OpenHazards);
        Assert.Equal("SITE-RED", Assert.Single(f.Sites.List(RiskCodes.Red, dueToday: false)).Site);
        // Never inspected: every site is due.
        Assert.Equal(3, f.Sites.List(null, dueToday: true).Count);

        var red = f.Sites.RecordInspection("SITE-RED", "Inspector Zhou", "extinguisher checked")!;
        var yellow = f.Sites.RecordInspection("SITE-YEL", "Inspector Zhou", null)!;
        Assert.Equal(f.Clock.NowMs + Day, red.NextInspectionAt);
        Assert.Equal(f.Clock.NowMs + (7 * Day), yellow.NextInspectionAt);
        Assert.Equal("Inspector Zhou", red.LastInspectedBy);
        Assert.Equal(["SITE-GREEN"], f.Sites.List(null, dueToday: true).Select(s => s.Site));

        f.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(["SITE-RED", "SITE-GREEN"], f.Sites.List(null, dueToday: true).Select(s => s.Site));
        f.Clock.Advance(TimeSpan.FromDays(6));
        Assert.Equal(["SITE-RED", "SITE-YEL", "SITE-GREEN"], f.Sites.List(null, dueToday: true).Select(s => s.Site));

        Assert.Null(f.Sites.RecordInspection("NO-SUCH-SITE", "x", null));
    }

    [Fact]
    public async Task SiteCode_FollowsTheOrders_RecomputedOnEveryChange()
    {
        await using var f = new HazardFixture();
        var a = await f.DeviceAsync("SD-A", "SITE-X");
        var b = await f.DeviceAsync("SD-B", "SITE-X");
        var c = await f.DeviceAsync("SD-C", "SITE-X");
        await f.RaiseAsync(a, AlarmType.LowBattery, Severity.Warning);
        Assert.Equal(RiskCodes.Yellow, f.Sites.Get("SITE-X")!.Code);
        await f.RaiseAsync(b, AlarmType.Offline, Severity.Minor);
        await f.RaiseAsync(c, AlarmType.Fault, Severity.Minor);
        Assert.Equal(RiskCodes.Red, f.Sites.Get("SITE-X")!.Code);

        await f.ClearAsync(c, AlarmType.Fault, Severity.Minor);
        Assert.Equal(RiskCodes.Red, f.Sites.Get("SITE-X")!.Code);
        f.Step(Assert.Single(f.OrdersOf("SD-C")).Id, WorkOrderAction.Verify, "Inspector Zhou");
        Assert.Equal(RiskCodes.Yellow, f.Sites.Get("SITE-X")!.Code);
        Assert.Contains("2 open hazards", f.Sites.Get("SITE-X")!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void EndOfLocalDay_IsTheNextMidnightInTheInspectorsTimeZone()
    {
        var register = new SiteRegister(null!, null!, new HazardOptions(), TimeProvider.System);
        // 2025-03-10 15:59:59.999Z is 23:59:59.999 in UTC+8; the local day ends at 16:00Z.
        var before = DateTimeOffset.Parse("2025-03-10T15:59:59.999Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
        Assert.Equal(before + 1, register.EndOfLocalDay(before));
        Assert.Equal(before + 1 + Day, register.EndOfLocalDay(before + 1));
    }
}
