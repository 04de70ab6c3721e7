using Dapper;
using IoTFireAlert.Server.Storage;

namespace IoTFireAlert.Server.Hazards;

/// <summary>Sites by risk code and inspection schedule (GET /api/sites), and recorded inspections.</summary>
public sealed class SiteRegister(SqliteDatabase database, SiteRiskRules risk, HazardOptions options, TimeProvider clock)
{
    /// <summary>Sites with devices or a code; <paramref name="code"/> filters by code, <paramref name="dueToday"/> to what inspectors must visit today.</summary>
    public IReadOnlyList<SiteListing> List(string? code, bool dueToday)
    {
        var nowMs = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var endOfToday = EndOfLocalDay(nowMs);
        using var connection = database.Open();
        // A site with devices but no code yet has had no alarm, order or inspection: green, and due (never visited).
        var rows = connection.Query<SiteRisk>(
            $"""
            SELECT s.site AS Site, coalesce(r.code, 'green') AS Code, coalesce(r.reason, 'no alarm, hazard or inspection on record') AS Reason,
                   coalesce(r.computed_at, @nowMs) AS ComputedAt, coalesce(r.code_since, @nowMs) AS CodeSince, r.last_inspection_at AS LastInspectionAt,
                   r.last_inspected_by AS LastInspectedBy, coalesce(r.next_inspection_at, @nowMs) AS NextInspectionAt
            FROM (SELECT site FROM devices WHERE site IS NOT NULL UNION SELECT site FROM site_risk) s
            LEFT JOIN site_risk r ON r.site = s.site
            WHERE (@code IS NULL OR coalesce(r.code, 'green') = @code) AND (@dueToday = 0 OR coalesce(r.next_inspection_at, @nowMs) < @endOfToday)
            ORDER BY CASE coalesce(r.code, 'green') WHEN 'red' THEN 0 WHEN 'yellow' THEN 1 ELSE 2 END, NextInspectionAt, s.site
            """,
            new { nowMs, endOfToday, code, dueToday = dueToday ? 1 : 0 }).AsList();
        var open = connection.Query<(string Site, long Count)>("SELECT site, count(*) FROM work_orders WHERE open = 1 AND site IS NOT NULL GROUP BY site")
            .ToDictionary(r => r.Site, r => r.Count, StringComparer.Ordinal);
        return rows.Select(r => new SiteListing
        {
            Site = r.Site,
            Code = r.Code,
            Reason = r.Reason,
            OpenHazards = (int)open.GetValueOrDefault(r.Site),
            LastInspectionAt = r.LastInspectionAt,
            LastInspectedBy = r.LastInspectedBy,
            NextInspectionAt = r.NextInspectionAt,
            CadenceDays = options.CadenceMs(r.Code) / 86_400_000.0,
            DueToday = r.NextInspectionAt < endOfToday,
        }).ToList();
    }

    public SiteRisk? Get(string site)
    {
        using var connection = database.Open();
        return connection.QuerySingleOrDefault<SiteRisk>($"SELECT {SiteRisk.Columns} FROM site_risk WHERE site = @site", new { site });
    }

    /// <summary>Records a visit; the next one falls due one cadence of the site's (recomputed) code later. Null when the site is unknown.</summary>
    public SiteRisk? RecordInspection(string site, string inspector, string? note)
    {
        var nowMs = clock.GetUtcNow().ToUnixTimeMilliseconds();
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        var known = connection.ExecuteScalar<int>(
            "SELECT EXISTS (SELECT 1 FROM devices WHERE site = @site) OR EXISTS (SELECT 1 FROM site_risk WHERE site = @site) OR EXISTS (SELECT 1 FROM work_orders WHERE site = @site)",
            new { site }, transaction);
        if (known == 0)
        {
            return null;
        }

        connection.Execute("INSERT INTO site_inspections (site, at, inspector, note) VALUES (@site, @nowMs, @inspector, @note)", new { site, nowMs, inspector, note }, transaction);
        var current = risk.Recompute(connection, transaction, site, nowMs);
        var next = risk.NextInspection(current.Code, nowMs, current.CodeSince);
        connection.Execute("UPDATE site_risk SET last_inspection_at = @nowMs, last_inspected_by = @inspector, next_inspection_at = @next WHERE site = @site",
            new { nowMs, inspector, next, site }, transaction);
        transaction.Commit();
        return current with { LastInspectionAt = nowMs, LastInspectedBy = inspector, NextInspectionAt = next };
    }

    /// <summary>The first instant of the next local day (Inspection:UtcOffsetHours), in unix milliseconds.</summary>
    public long EndOfLocalDay(long nowMs)
    {
        var offset = (long)(options.Inspection.UtcOffsetHours * 3_600_000);
        var local = nowMs + offset;
        return local - (((local % 86_400_000) + 86_400_000) % 86_400_000) + 86_400_000 - offset;
    }
}
