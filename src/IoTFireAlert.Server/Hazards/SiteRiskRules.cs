using System.Data;
using System.Globalization;
using Dapper;

namespace IoTFireAlert.Server.Hazards;

/// <summary>
/// Colours a site red, yellow or green from its alarms and open work orders, inside the caller's
/// transaction, so the code always agrees with the change that caused it. The rules' thresholds
/// and windows come from <see cref="RiskCodeOptions"/>; every query is on an indexed (site, ...) range.
/// </summary>
public sealed class SiteRiskRules(HazardOptions options)
{
    private const string BeforeRectification = "('found', 'assigned', 'rectifying')";

    /// <summary>Evaluates the rules, stores the code and the next inspection due, and returns them.</summary>
    public SiteRisk Recompute(IDbConnection connection, IDbTransaction transaction, string site, long nowMs)
    {
        var (code, reason) = Evaluate(connection, transaction, site, nowMs);
        var existing = connection.QuerySingleOrDefault<SiteRisk>($"SELECT {SiteRisk.Columns} FROM site_risk WHERE site = @site", new { site }, transaction);
        var codeSince = existing is not null && existing.Code == code ? existing.CodeSince : nowMs;
        var next = NextInspection(code, existing?.LastInspectionAt, codeSince);
        var risk = new SiteRisk
        {
            Site = site,
            Code = code,
            Reason = reason,
            ComputedAt = nowMs,
            CodeSince = codeSince,
            LastInspectionAt = existing?.LastInspectionAt,
            LastInspectedBy = existing?.LastInspectedBy,
            NextInspectionAt = next,
        };
        connection.Execute(
            """
            INSERT INTO site_risk (site, code, reason, computed_at, code_since, next_inspection_at)
            VALUES (@Site, @Code, @Reason, @ComputedAt, @CodeSince, @NextInspectionAt)
            ON CONFLICT(site) DO UPDATE SET code = excluded.code, reason = excluded.reason, computed_at = excluded.computed_at,
                code_since = excluded.code_since, next_inspection_at = excluded.next_inspection_at
            """,
            risk, transaction);
        return risk;
    }

    /// <summary>A site never inspected is due from the moment it got its code; otherwise the cadence runs from the last visit.</summary>
    public long NextInspection(string code, long? lastInspectionAt, long codeSince) =>
        lastInspectionAt is { } last ? last + options.CadenceMs(code) : codeSince;

    public (string Code, string Reason) Evaluate(IDbConnection connection, IDbTransaction? transaction, string site, long nowMs)
    {
        var rules = options.RiskCode;
        var red = new List<string>();
        var yellow = new List<string>();

        var criticalSince = nowMs - (long)(rules.CriticalAlarmWindowDays * 86_400_000);
        var critical = connection.QueryFirstOrDefault<(long Id, string Type, string DeviceId, long RaisedAt)>(
            "SELECT id, type, device_id, raised_at FROM alarms WHERE site = @site AND raised_at >= @criticalSince AND severity = 'Critical' ORDER BY raised_at DESC LIMIT 1",
            new { site, criticalSince }, transaction);
        if (critical is { Id: > 0 } c)
        {
            red.Add($"Critical alarm #{c.Id} {c.Type} on {c.DeviceId} at {Time(c.RaisedAt)} (within {Days(rules.CriticalAlarmWindowDays)} days)");
        }

        if (rules.RedOnOverdueMajor)
        {
            var overdue = connection.QueryFirstOrDefault<(long Id, string Hazard, long Deadline)>(
                $"SELECT id, hazard, deadline FROM work_orders WHERE site = @site AND open = 1 AND severity IN ('Major', 'Critical') AND state IN {BeforeRectification} AND deadline < @nowMs ORDER BY deadline LIMIT 1",
                new { site, nowMs }, transaction);
            if (overdue is { Id: > 0 } o)
            {
                red.Add($"Major hazard order #{o.Id} {o.Hazard} overdue since {Time(o.Deadline)}");
            }
        }

        var open = connection.ExecuteScalar<int>("SELECT count(*) FROM work_orders WHERE site = @site AND open = 1", new { site }, transaction);
        if (open >= rules.RedOpenHazards)
        {
            red.Add($"{open} open hazards (red from {rules.RedOpenHazards})");
        }

        if (red.Count > 0)
        {
            return (RiskCodes.Red, string.Join("; ", red));
        }

        if (open >= rules.YellowOpenHazards)
        {
            yellow.Add(open == 1 ? "1 open hazard" : $"{open} open hazards");
        }

        var majorSince = nowMs - (long)(rules.MajorAlarmWindowDays * 86_400_000);
        var major = connection.QueryFirstOrDefault<(long Id, string Type, string DeviceId, long RaisedAt)>(
            "SELECT id, type, device_id, raised_at FROM alarms WHERE site = @site AND raised_at >= @majorSince AND severity = 'Major' ORDER BY raised_at DESC LIMIT 1",
            new { site, majorSince }, transaction);
        if (major is { Id: > 0 } m)
        {
            yellow.Add($"Major alarm #{m.Id} {m.Type} on {m.DeviceId} at {Time(m.RaisedAt)} (within {Days(rules.MajorAlarmWindowDays)} days)");
        }

        return yellow.Count > 0
            ? (RiskCodes.Yellow, string.Join("; ", yellow))
            : (RiskCodes.Green, $"no open hazard and no Critical or Major alarm within {Days(Math.Max(rules.CriticalAlarmWindowDays, rules.MajorAlarmWindowDays))} days");
    }

    internal static string Time(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture);

    private static string Days(double days) => days.ToString("0.##", CultureInfo.InvariantCulture);
}
