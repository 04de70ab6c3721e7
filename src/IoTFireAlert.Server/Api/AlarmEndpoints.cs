using System.Globalization;
using IoTFireAlert.Server.Alarms;
using IoTFireAlert.Server.Security;

namespace IoTFireAlert.Server.Api;

/// <summary>/api/alarms: list, detail with timeline, acknowledge, resolve.</summary>
public static class AlarmEndpoints
{
    public sealed record AckRequest(string? By, string? Note);

    public sealed record ResolveRequest(string? Cause, string? By, string? Note);

    public static void Map(WebApplication app)
    {
        app.MapGet("/api/alarms", async (AlarmQueries queries, string? state, string? severity, string? site, string? device, string? from, string? to, bool? active, int? limit, CancellationToken ct) =>
        {
            if (!TryTime(from, out var fromMs) || !TryTime(to, out var toMs))
            {
                return Results.Problem(statusCode: 400, title: "from/to must be unix milliseconds or ISO-8601 times");
            }

            var filter = new AlarmQueries.Filter(state, severity, site, device, fromMs, toMs, active, Math.Clamp(limit ?? 200, 1, 5000));
            return Results.Ok(await queries.ListAsync(filter, ct).ConfigureAwait(false));
        });

        app.MapGet("/api/alarms/{id:long}", async (long id, AlarmQueries queries, CancellationToken ct) =>
        {
            var alarm = await queries.GetAsync(id, ct).ConfigureAwait(false);
            return alarm is null
                ? Results.Problem(statusCode: 404, title: $"alarm {id} does not exist")
                : Results.Ok(new { alarm, timeline = await queries.TimelineAsync(id, ct).ConfigureAwait(false) });
        });

        app.MapPost("/api/alarms/{id:long}/ack", async (long id, AckRequest? body, HttpContext http, AlarmWriter writer, CancellationToken ct) =>
        {
            var actor = RoleRequirement.Actor(http, body?.By);
            var result = await writer.ActAsync(new OperatorAction(id, OperatorActionKind.Acknowledge, actor, null, body?.Note), ct).ConfigureAwait(false);
            return ToResult(result);
        }).RequireRole(Role.Dispatcher);

        app.MapPost("/api/alarms/{id:long}/resolve", async (long id, ResolveRequest? body, HttpContext http, AlarmWriter writer, CancellationToken ct) =>
        {
            if (!TryCause(body?.Cause, out var cause))
            {
                return Results.Problem(statusCode: 400, title: "cause must be one of fire, false_alarm, test, nuisance, fault");
            }

            var actor = RoleRequirement.Actor(http, body?.By);
            var result = await writer.ActAsync(new OperatorAction(id, OperatorActionKind.Resolve, actor, cause, body?.Note), ct).ConfigureAwait(false);
            return ToResult(result);
        }).RequireRole(Role.Dispatcher);
    }

    private static IResult ToResult(OperatorActionResult result) =>
        result.Error is null ? Results.Ok(result.Alarm) : Results.Problem(statusCode: result.StatusCode, title: result.Error);

    public static bool TryCause(string? text, out ResolutionCause cause)
    {
        cause = default;
        var compact = text?.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        return compact is not null && Enum.TryParse(compact, ignoreCase: true, out cause) && Enum.IsDefined(cause);
    }

    public static bool TryTime(string? text, out long? unixMs)
    {
        unixMs = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms))
        {
            unixMs = ms;
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            unixMs = time.ToUnixTimeMilliseconds();
            return true;
        }

        return false;
    }
}
