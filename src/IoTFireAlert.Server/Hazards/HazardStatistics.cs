using System.Globalization;
using System.Text;
using Dapper;
using IoTFireAlert.Server.Storage;

namespace IoTFireAlert.Server.Hazards;

/// <summary>Figures for the command center: found and closed per grid and ISO week (in the inspectors' local time), closure rate, time to close, top devices.</summary>
public sealed class HazardStatistics(SqliteDatabase database, HazardOptions options)
{
    public const string NoGrid = "(none)";
    public const string CsvHeader = "grid,week,found,closed,closure_rate,median_hours_to_close";

    public HazardStatisticsReport Compute(long fromMs, long toMs, int top)
    {
        using var connection = database.Open();
        var orders = connection.Query<(string? Grid, long OpenedAt, long? ClosedAt)>(
            "SELECT grid, opened_at, closed_at FROM work_orders WHERE (opened_at >= @fromMs AND opened_at < @toMs) OR (closed_at >= @fromMs AND closed_at < @toMs)",
            new { fromMs, toMs }).AsList();

        // Ordinal order: the same CSV on every machine, whatever its culture.
        var rows = new SortedDictionary<(string Grid, string Week), Tally>(Comparer<(string Grid, string Week)>.Create(static (a, b) =>
            string.CompareOrdinal(a.Grid, b.Grid) is var byGrid and not 0 ? byGrid : string.CompareOrdinal(a.Week, b.Week)));
        var allFound = 0;
        var allClosed = 0;
        var allFoundThenClosed = new List<double>();
        foreach (var (grid, openedAt, closedAt) in orders)
        {
            var gridName = grid ?? NoGrid;
            if (openedAt >= fromMs && openedAt < toMs)
            {
                var row = Row(rows, gridName, openedAt);
                row.Found++;
                allFound++;
                if (closedAt is { } closed)
                {
                    var hours = (closed - openedAt) / 3_600_000.0;
                    row.FoundThenClosed.Add(hours);
                    allFoundThenClosed.Add(hours);
                }
            }

            if (closedAt is { } closedAtMs && closedAtMs >= fromMs && closedAtMs < toMs)
            {
                Row(rows, gridName, closedAtMs).Closed++;
                allClosed++;
            }
        }

        var weeks = rows.Select(r => new HazardWeekRow(r.Key.Grid, r.Key.Week, r.Value.Found, r.Value.Closed,
            Rate(r.Value.FoundThenClosed.Count, r.Value.Found), Median(r.Value.FoundThenClosed))).ToList();

        var topDevices = connection.Query<HazardDeviceCount>(
            """
            SELECT device_id AS DeviceId, max(site) AS Site, count(*) AS Orders, sum(count) AS Reports FROM work_orders
            WHERE device_id IS NOT NULL AND opened_at >= @fromMs AND opened_at < @toMs
            GROUP BY device_id ORDER BY Orders DESC, Reports DESC, device_id LIMIT @top
            """,
            new { fromMs, toMs, top }).AsList();

        return new HazardStatisticsReport(fromMs, toMs, allFound, allClosed, Rate(allFoundThenClosed.Count, allFound), Median(allFoundThenClosed), weeks, topDevices);
    }

    /// <summary>The per-grid, per-week rows as CSV with a header row (RFC 4180; invariant numbers).</summary>
    public static string ToCsv(HazardStatisticsReport report)
    {
        var csv = new StringBuilder(CsvHeader).Append("\r\n");
        foreach (var row in report.Weeks)
        {
            csv.Append(Field(row.Grid)).Append(',').Append(row.Week).Append(',')
                .Append(row.Found.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(row.Closed.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(row.ClosureRate.ToString("0.####", CultureInfo.InvariantCulture)).Append(',')
                .Append(row.MedianHoursToClose?.ToString("0.##", CultureInfo.InvariantCulture)).Append("\r\n");
        }

        return csv.ToString();
    }

    /// <summary>ISO 8601 week (e.g. 2025-W03) of a moment in the inspectors' local time.</summary>
    public string Week(long unixMs)
    {
        var local = DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.AddHours(options.Inspection.UtcOffsetHours);
        return string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(local)}-W{ISOWeek.GetWeekOfYear(local):00}");
    }

    private Tally Row(SortedDictionary<(string Grid, string Week), Tally> rows, string grid, long atMs)
    {
        var key = (grid, Week(atMs));
        if (!rows.TryGetValue(key, out var row))
        {
            row = new Tally();
            rows.Add(key, row);
        }

        return row;
    }

    private static double Rate(int closed, int found) => found == 0 ? 0 : Math.Round((double)closed / found, 4);

    private static double? Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        values.Sort();
        var mid = values.Count / 2;
        var median = values.Count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
        return Math.Round(median, 2);
    }

    private static string Field(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") < 0 ? text : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private sealed class Tally
    {
        public int Found { get; set; }

        public int Closed { get; set; }

        /// <summary>Hours to close, of the orders found in this row that are closed.</summary>
        public List<double> FoundThenClosed { get; } = [];
    }
}
