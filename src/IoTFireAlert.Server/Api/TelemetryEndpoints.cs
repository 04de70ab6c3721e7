using IoTFireAlert.Telemetry;

namespace IoTFireAlert.Server.Api;

/// <summary>GET /api/devices/{id}/telemetry?from=&amp;to=&amp;field= from whichever store is configured (default: the last hour).</summary>
public static class TelemetryEndpoints
{
    public sealed record Point(long T, string Field, double Value);

    public static void Map(WebApplication app)
    {
        app.MapGet("/api/devices/{id}/telemetry", async (string id, string? from, string? to, string? field, ITelemetryReader reader, TimeProvider clock, CancellationToken ct) =>
        {
            if (!AlarmEndpoints.TryTime(from, out var fromMs) || !AlarmEndpoints.TryTime(to, out var toMs))
            {
                return Results.Problem(statusCode: 400, title: "from/to must be unix milliseconds or ISO-8601 times");
            }

            var end = toMs is { } t ? DateTimeOffset.FromUnixTimeMilliseconds(t) : clock.GetUtcNow();
            var start = fromMs is { } f ? DateTimeOffset.FromUnixTimeMilliseconds(f) : end.AddHours(-1);
            if (start >= end || end - start > TimeSpan.FromDays(31))
            {
                return Results.Problem(statusCode: 400, title: "from must be before to, and the range at most 31 days");
            }

            var points = await reader.ReadAsync(id, start, end, string.IsNullOrWhiteSpace(field) ? null : field, ct);
            return Results.Ok(points.Select(p => new Point(p.Time.ToUnixTimeMilliseconds(), p.Field, p.Value)));
        });
    }
}
