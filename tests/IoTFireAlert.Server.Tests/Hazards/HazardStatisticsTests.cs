using System.Globalization;
using IoTFireAlert.Ingestion.Alarms;
using IoTFireAlert.Server.Hazards;

namespace IoTFireAlert.Server.Tests.Hazards;

public sealed class HazardStatisticsTests
{
    private static long At(string iso) => DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();

    /// <summary>
    /// Seven orders around ISO weeks 10 and 11 of 2025, in UTC+8: one opened late on Sunday of week 10
    /// (local) and closed in week 11; one opened at 01:00 local on Monday of week 11, which is still
    /// Sunday of week 10 in UTC.
    /// </summary>
    private static void Seed(HazardFixture f)
    {
        const string a = HazardFixture.GridA;
        const string b = HazardFixture.GridB;
        f.InsertOrder("S-1", "D-1", "LowBattery", Severity.Warning, WorkOrderStates.Closed, At("2025-03-03T02:00:00Z"), 0, At("2025-03-03T12:00:00Z"), a, count: 2);
        f.InsertOrder("S-1", "D-1", "LowBattery", Severity.Warning, WorkOrderStates.Closed, At("2025-03-04T02:00:00Z"), 0, At("2025-03-05T08:00:00Z"), a, count: 4);
        f.InsertOrder("S-1", "D-2", "Offline", Severity.Minor, WorkOrderStates.Assigned, At("2025-03-05T02:00:00Z"), 0, null, a);
        f.InsertOrder("S-1", "D-1", "LowBattery", Severity.Warning, WorkOrderStates.Closed, At("2025-03-09T15:00:00Z"), 0, At("2025-03-10T02:00:00Z"), a);
        f.InsertOrder("S-2", "D-2", "Fault", Severity.Minor, WorkOrderStates.Closed, At("2025-03-11T02:00:00Z"), 0, At("2025-03-11T04:00:00Z"), b);
        f.InsertOrder("S-3", null, "BlockedExit", Severity.Minor, WorkOrderStates.Found, At("2025-03-12T02:00:00Z"), 0, null, grid: null);
        f.InsertOrder("S-2", "D-3", "Tamper", Severity.Minor, WorkOrderStates.Assigned, At("2025-03-09T17:00:00Z"), 0, null, b);
    }

    [Fact]
    public async Task Csv_HasAHeader_AndPerGridPerIsoWeekFigures()
    {
        await using var f = new HazardFixture();
        Seed(f);

        var csv = HazardStatistics.ToCsv(f.Statistics.Compute(0, long.MaxValue, 10));

        Assert.Equal(
            "grid,week,found,closed,closure_rate,median_hours_to_close\r\n" +
            "(none),2025-W11,1,0,0,\r\n" +
            "GRID-A,2025-W10,4,2,0.75,11\r\n" +
            "GRID-A,2025-W11,0,1,0,\r\n" +
            "GRID-B,2025-W11,2,1,0.5,2\r\n",
            csv);
    }

    [Fact]
    public async Task Report_HasTotalsMedianAndTopDevices()
    {
        await using var f = new HazardFixture();
        Seed(f);

        var report = f.Statistics.Compute(0, long.MaxValue, 2);

        Assert.Equal(7, report.Found);
        Assert.Equal(4, report.Closed);
        Assert.Equal(0.5714, report.ClosureRate);
        Assert.Equal(10.5, report.MedianHoursToClose);
        Assert.Equal(["D-1", "D-2"], report.TopDevices.Select(d => d.DeviceId));
        Assert.Equal(3, report.TopDevices[0].Orders);
        Assert.Equal(7, report.TopDevices[0].Reports);
    }

    [Fact]
    public async Task Report_KeepsToThePeriod()
    {
        await using var f = new HazardFixture();
        Seed(f);

        // Up to the end of week 10 in UTC+8 (Monday 00:00 local = Sunday 16:00 UTC).
        var report = f.Statistics.Compute(0, At("2025-03-09T16:00:00Z"), 10);

        Assert.Equal(4, report.Found);
        Assert.Equal(2, report.Closed);
        var row = Assert.Single(report.Weeks);
        Assert.Equal(("GRID-A", "2025-W10"), (row.Grid, row.Week));
    }
}
