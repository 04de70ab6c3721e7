using System.Text.Json;
using IoTFireAlert.Server.Devices;
using IoTFireAlert.Server.IntegrationTests;
using IoTFireAlert.Server.Storage;
using Microsoft.Data.Sqlite;

namespace IoTFireAlert.Console.BrowserTests;

/// <summary>
/// A server database written before the server starts: the sample device registry and a handful of
/// alarms in every state, with a dispatch decision and a timeline, as the alarm writer stores them.
/// </summary>
public static class ConsoleSeed
{
    public const long CriticalSmoke = 1;
    public const long MajorAcknowledged = 2;
    public const long MinorToResolve = 3;
    public const long ResolvedYesterday = 4;
    public const long WarningOtherSite = 5;
    public const long MajorForbidden = 6;

    public static async Task WriteAsync(string sqlitePath, long nowMs)
    {
        var database = new SqliteDatabase(sqlitePath);
        database.ApplySchema();
        var csv = await File.ReadAllTextAsync(Path.Combine(ServerUnderTest.RepositoryRoot(), "config", "devices.sample.csv"));
        var devices = DeviceImport.Parse(csv, "text/csv");
        Assert.Empty(devices.Errors);
        await new DeviceRepository(database).UpsertAsync(devices.Devices, CancellationToken.None);

        using var connection = database.Open();
        Alarm(connection, CriticalSmoke, "SX-0001-SD01", "SmokeAlarm", "Critical", "Active", "SX-0001", nowMs - 90_000, count: 2, value: 1,
            dispatch: Dispatch(nowMs,
                ("station", "MFS-07", "书圣故里微型消防站", "micro_station", "fire_motorcycle", "primary", 420, 95, 30.0021, 120.5822),
                ("station", "FS-01", "越城消防救援站", "fire_station", "engine", "primary", 2300, 310, 30.0105, 120.5650),
                ("vehicle", "PR-12", "供电抢修 12", null, "repair_van", "warn", 1800, 400, 29.9950, 120.5900)));
        Timeline(connection, CriticalSmoke, nowMs - 90_000, "raised", null, "smoke_alarm value 1");
        Timeline(connection, CriticalSmoke, nowMs - 89_900, "dispatched", null, "MFS-07 fire_motorcycle ETA 95 s; FS-01 engine ETA 310 s");
        Timeline(connection, CriticalSmoke, nowMs - 89_500, "pushed", "stations/MFS-07/alarms", null);
        Timeline(connection, CriticalSmoke, nowMs - 30_000, "updated", null, "smoke_alarm value 1");

        Alarm(connection, MajorAcknowledged, "SX-0002-EF10", "ResidualCurrentAlarm", "Major", "Acknowledged", "SX-0002", nowMs - 20 * 60_000, count: 1, value: 412,
            dispatch: Dispatch(nowMs, ("vehicle", "PR-03", "供电抢修 03", null, "repair_van", "primary", 3100, 540, 30.0200, 120.5700)), ackedBy: "张伟 (via desk)", ackedAt: nowMs - 18 * 60_000);
        Timeline(connection, MajorAcknowledged, nowMs - 20 * 60_000, "raised", null, "residual_current_alarm value 412");
        Timeline(connection, MajorAcknowledged, nowMs - 18 * 60_000, "acknowledged", "张伟 (via desk)", null);

        Alarm(connection, MinorToResolve, "SX-0004-CP11", "ChargingPortOverTemperature", "Minor", "Active", "SX-0004", nowMs - 2 * 3600_000, count: 3, value: 71.5);
        Timeline(connection, MinorToResolve, nowMs - 2 * 3600_000, "raised", null, "charging_port_over_temperature value 71.5");

        Alarm(connection, ResolvedYesterday, "SX-0002-SD01", "SmokeAlarm", "Critical", "Resolved", "SX-0002", nowMs - 26 * 3600_000, count: 1, value: 1,
            ackedBy: "李娜 (via desk)", ackedAt: nowMs - 26 * 3600_000 + 60_000, resolvedBy: "李娜 (via desk)", resolvedAt: nowMs - 25 * 3600_000, cause: "false_alarm");
        Timeline(connection, ResolvedYesterday, nowMs - 26 * 3600_000, "raised", null, "smoke_alarm value 1");
        Timeline(connection, ResolvedYesterday, nowMs - 25 * 3600_000, "resolved", "李娜 (via desk)", "false_alarm");

        Alarm(connection, WarningOtherSite, "SX-0001-EF10", "CableTemperatureWarning", "Warning", "Active", "SX-0001", nowMs - 40 * 60_000, count: 1, value: 62);
        Timeline(connection, WarningOtherSite, nowMs - 40 * 60_000, "raised", null, "cable_temperature_warning value 62");

        Alarm(connection, MajorForbidden, "SX-0002-EF10", "CableTemperatureAlarm", "Major", "Active", "SX-0002", nowMs - 5 * 60_000, count: 1, value: 88);
        Timeline(connection, MajorForbidden, nowMs - 5 * 60_000, "raised", null, "cable_temperature_alarm value 88");
    }

    private static string Dispatch(long nowMs, params (string Kind, string Id, string Name, string? Tier, string Means, string Role, int DistanceM, int EtaSeconds, double Lat, double Lon)[] responders) =>
        JsonSerializer.Serialize(new
        {
            responders = responders.Select(r => new
            {
                kind = r.Kind,
                id = r.Id,
                name = r.Name,
                tier = r.Tier,
                means = r.Means,
                role = r.Role,
                distanceM = r.DistanceM,
                etaSeconds = r.EtaSeconds,
                lat = r.Lat,
                lon = r.Lon,
                ackDeadline = nowMs + 3 * 60_000,
            }),
        });

    private static void Alarm(SqliteConnection connection, long id, string deviceId, string type, string severity, string state, string site, long raisedAt, int count, double value,
        string? dispatch = null, string? ackedBy = null, long? ackedAt = null, string? resolvedBy = null, long? resolvedAt = null, string? cause = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText =
            """
            INSERT INTO alarms (id, device_id, type, severity, state, active, site, raised_at, last_at, count, first_value, last_value,
                                acked_at, acked_by, resolved_at, resolved_by, cause, dispatch)
            VALUES ($id, $device, $type, $severity, $state, $active, $site, $raised, $raised, $count, $value, $value,
                    $ackedAt, $ackedBy, $resolvedAt, $resolvedBy, $cause, $dispatch)
            """;
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$device", deviceId);
        command.Parameters.AddWithValue("$type", type);
        command.Parameters.AddWithValue("$severity", severity);
        command.Parameters.AddWithValue("$state", state);
        command.Parameters.AddWithValue("$active", state == "Resolved" ? 0 : 1);
        command.Parameters.AddWithValue("$site", site);
        command.Parameters.AddWithValue("$raised", raisedAt);
        command.Parameters.AddWithValue("$count", count);
        command.Parameters.AddWithValue("$value", value);
        command.Parameters.AddWithValue("$ackedAt", (object?)ackedAt ?? DBNull.Value);
        command.Parameters.AddWithValue("$ackedBy", (object?)ackedBy ?? DBNull.Value);
        command.Parameters.AddWithValue("$resolvedAt", (object?)resolvedAt ?? DBNull.Value);
        command.Parameters.AddWithValue("$resolvedBy", (object?)resolvedBy ?? DBNull.Value);
        command.Parameters.AddWithValue("$cause", (object?)cause ?? DBNull.Value);
        command.Parameters.AddWithValue("$dispatch", (object?)dispatch ?? DBNull.Value);
        command.ExecuteNonQuery();
    }

    private static void Timeline(SqliteConnection connection, long alarmId, long at, string what, string? actor, string? detail)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO alarm_timeline (alarm_id, at, event, actor, detail) VALUES ($alarm, $at, $event, $actor, $detail)";
        command.Parameters.AddWithValue("$alarm", alarmId);
        command.Parameters.AddWithValue("$at", at);
        command.Parameters.AddWithValue("$event", what);
        command.Parameters.AddWithValue("$actor", (object?)actor ?? DBNull.Value);
        command.Parameters.AddWithValue("$detail", (object?)detail ?? DBNull.Value);
        command.ExecuteNonQuery();
    }
}
