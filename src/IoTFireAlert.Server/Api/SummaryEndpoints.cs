using Dapper;
using IoTFireAlert.Server.Alarms;
using IoTFireAlert.Server.Devices;
using IoTFireAlert.Server.Pipeline;
using IoTFireAlert.Server.Storage;

namespace IoTFireAlert.Server.Api;

/// <summary>
/// The console's live figures (GET /api/summary) and its map layer (GET /api/map): devices with
/// their state, stations, vehicles — everything drawn from our own data.
/// </summary>
public static class SummaryEndpoints
{
    public sealed record DevicePin(string Id, string Kind, string? Site, double? Lat, double? Lon, string State);

    public static void Map(WebApplication app)
    {
        app.MapGet("/api/summary", async (AlarmQueries queries, DeviceDirectory directory, MessageRate rate, IEnumerable<IDispatchSummary> dispatch, CancellationToken ct) =>
        {
            var online = 0;
            var offline = 0;
            foreach (var entry in directory.Entries)
            {
                if (entry.State.IsOffline || entry.ReportedState == 2)
                {
                    offline++;
                }
                else if (entry.LastSeenUnixMs > 0)
                {
                    online++;
                }
            }

            var bySeverity = await queries.ActiveBySeverityAsync(ct);
            long Count(string severity) => bySeverity.TryGetValue(severity, out var n) ? n : 0;
            return Results.Ok(new
            {
                messagesPerSecond = rate.PerSecond,
                devicesRegistered = directory.Count,
                devicesOnline = online,
                devicesOffline = offline,
                devicesSilent = directory.Count - online - offline,
                activeBySeverity = new { critical = Count("Critical"), major = Count("Major"), minor = Count("Minor"), warning = Count("Warning") },
                unacknowledgedDispatches = dispatch.SelectMany(d => d.Unacknowledged()).ToList(),
            });
        });

        app.MapGet("/api/map", async (DeviceDirectory directory, SqliteDatabase database, IEnumerable<IMapLayer> layers, CancellationToken ct) =>
        {
            await using var connection = await database.OpenAsync(ct);
            var active = (await connection.QueryAsync<(string DeviceId, string Severity, string Type)>(
                    new CommandDefinition("SELECT device_id, severity, type FROM alarms WHERE active = 1", cancellationToken: ct)))
                .GroupBy(a => a.DeviceId)
                .ToDictionary(g => g.Key, g => g.Any(a => a.Severity is "Critical" or "Major") ? "alarm" : g.Any(a => a.Type == "Offline") ? "offline" : "fault");
            var devices = directory.Entries.Select(e =>
            {
                var record = e.Record;
                var state = active.TryGetValue(record.Id, out var s) ? s : e.State.IsOffline || e.ReportedState == 2 ? "offline" : "normal";
                return new DevicePin(record.Id, IoTFireAlert.Ingestion.Readings.DeviceKindNames.ToSnakeCase(record.Kind), record.Site, record.Lat, record.Lon, state);
            }).ToList();
            var map = new Dictionary<string, object> { ["devices"] = devices };
            foreach (var layer in layers)
            {
                map[layer.Name] = layer.Items();
            }

            return Results.Ok(map);
        });
    }
}
