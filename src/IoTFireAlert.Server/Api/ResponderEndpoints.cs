using IoTFireAlert.Dispatch.Acknowledgement;
using IoTFireAlert.Dispatch.Fleet;
using IoTFireAlert.Dispatch.Stations;
using IoTFireAlert.Server.Responders;
using IoTFireAlert.Server.Security;

namespace IoTFireAlert.Server.Api;

/// <summary>Stations, the repair fleet (incl. Traccar's OsmAnd protocol and position forwarding), and responders' acknowledgements.</summary>
public static class ResponderEndpoints
{
    public sealed record StatusRequest(string? Status);

    public sealed record AnswerRequest(string? By);

    public static void Map(WebApplication app)
    {
        app.MapGet("/api/stations", (StationRegistry stations) => Results.Ok(stations.All().Select(StationView)));

        app.MapPost("/api/stations:import", async (HttpRequest request, StationRegistry stations, CancellationToken ct) =>
        {
            using var reader = new StreamReader(request.Body);
            var text = await reader.ReadToEndAsync(ct);
            var csv = request.ContentType?.Contains("csv", StringComparison.OrdinalIgnoreCase) == true || !text.TrimStart().StartsWith('{') && !text.TrimStart().StartsWith('[');
            var result = stations.Import(text, csv);
            return Results.Json(new { imported = result.Items.Count, errors = result.Errors.Select(e => e.ToString()) }, statusCode: result.Items.Count == 0 && result.HasErrors ? 400 : 200);
        }).RequireRole(Role.Administrator);

        app.MapPut("/api/stations/{id}/status", (string id, StatusRequest body, StationRegistry stations) =>
        {
            var compact = body.Status?.Replace("_", "", StringComparison.Ordinal);
            if (!Enum.TryParse<UnitStatus>(compact, ignoreCase: true, out var status) || !Enum.IsDefined(status))
            {
                return Results.Problem(statusCode: 400, title: "status must be available, committed or out_of_service");
            }

            return stations.SetStatus(id, status) ? Results.Ok(new { id, status = Snake(status.ToString()) }) : Results.Problem(statusCode: 404, title: $"station '{id}' does not exist");
        }).RequireRole(Role.Dispatcher);

        app.MapGet("/api/fleet/vehicles", (FleetTracker fleet) => Results.Ok(fleet.Vehicles.Select(VehicleView)));

        app.MapGet("/api/fleet/vehicles/{id}/trajectory", (string id, string? from, string? to, FleetTracker fleet, TimeProvider clock) =>
        {
            if (!fleet.IsRegistered(id))
            {
                return Results.Problem(statusCode: 404, title: $"vehicle '{id}' is not registered");
            }

            if (!AlarmEndpoints.TryTime(from, out var fromMs) || !AlarmEndpoints.TryTime(to, out var toMs))
            {
                return Results.Problem(statusCode: 400, title: "from/to must be unix milliseconds or ISO-8601 times");
            }

            var end = toMs ?? clock.GetUtcNow().ToUnixTimeMilliseconds() + 1;
            var points = fleet.Trajectory(id, fromMs ?? end - 3_600_000, end);
            return Results.Ok(points.Select(p => new { t = p.TimestampUnixMs, lat = p.Latitude, lon = p.Longitude, speedKmh = p.SpeedKmh }));
        });

        // Traccar's OsmAnd protocol: GET or form POST with id, lat, lon, timestamp, speed (knots); or the JSON body variant.
        var osmand = async (HttpRequest request, FleetPositionParser parser, FleetTracker fleet, CancellationToken ct) =>
        {
            FleetPositionResult parsed;
            if (request.HasJsonContentType())
            {
                using var buffer = new MemoryStream();
                await request.Body.CopyToAsync(buffer, ct);
                parsed = parser.ParseOsmAndJson(buffer.ToArray());
            }
            else if (request.HasFormContentType)
            {
                using var reader = new StreamReader(request.Body);
                parsed = parser.ParseOsmAndQuery(await reader.ReadToEndAsync(ct));
            }
            else
            {
                parsed = parser.ParseOsmAndQuery(request.QueryString.Value ?? "");
            }

            var result = fleet.Submit(parsed);
            return result.IsValid ? Results.Ok() : Results.Problem(statusCode: result.Error == FleetPositionError.UnknownVehicle ? 404 : 400, title: $"{result.Error}: {result.Detail}");
        };
        app.MapGet("/api/fleet/osmand", osmand).RequireRole(Role.Dispatcher, allowKeyInQuery: true);
        app.MapPost("/api/fleet/osmand", osmand).RequireRole(Role.Dispatcher, allowKeyInQuery: true);

        app.MapPost("/api/fleet/traccar", async (HttpRequest request, FleetPositionParser parser, FleetTracker fleet, CancellationToken ct) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, ct);
            var result = fleet.Submit(parser.ParseTraccarForward(buffer.ToArray()));
            return result.IsValid ? Results.Ok() : Results.Problem(statusCode: result.Error == FleetPositionError.UnknownVehicle ? 404 : 400, title: $"{result.Error}: {result.Detail}");
        }).RequireRole(Role.Dispatcher, allowKeyInQuery: true);

        app.MapGet("/api/stream/fleet", async (HttpContext http, FleetTracker fleet, CancellationToken ct) =>
        {
            http.Response.Headers.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-cache";
            var live = fleet.Positions.Subscribe(4096);
            try
            {
                await http.Response.WriteAsync("retry: 2000\n\n", ct);
                await http.Response.Body.FlushAsync(ct);
                await foreach (var e in live.ReadAllAsync(ct))
                {
                    await http.Response.WriteAsync($"event: position\ndata: {e.Body}\n\n", ct);
                    if (live.Count == 0)
                    {
                        await http.Response.Body.FlushAsync(ct);
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or System.Threading.Channels.ChannelClosedException)
            {
                // Gone, or too slow (it reconnects; positions are live data, the latest one matters).
            }
            finally
            {
                fleet.Positions.Unsubscribe(live);
            }
        });

        app.MapPost("/api/alarms/{id:long}/responders/{responderId}/ack", async (long id, string responderId, AnswerRequest? body, HttpContext http, CallAndAnswer callAndAnswer, CancellationToken ct) =>
        {
            var by = RoleRequirement.Actor(http, body?.By);
            return await callAndAnswer.AnswerAsync(id, responderId, by, ct) switch
            {
                AckOutcome.Accepted => Results.Ok(new { alarmId = id, responderId, acknowledgedBy = by }),
                AckOutcome.AlreadyAnswered => Results.Ok(new { alarmId = id, responderId, alreadyAnswered = true }),
                AckOutcome.UnknownAlarm => Results.Problem(statusCode: 404, title: $"alarm {id} has no open dispatch"),
                _ => Results.Problem(statusCode: 404, title: $"'{responderId}' was not dispatched to alarm {id}"),
            };
        }).RequireRole(Role.Dispatcher);
    }

    public static object StationView(Station s) => new
    {
        id = s.Id,
        name = s.Name,
        tier = Snake(s.Tier.ToString()),
        lat = s.Latitude,
        lon = s.Longitude,
        status = Snake(s.Status.ToString()),
        means = s.Means.ToDictionary(m => Snake(m.Means.ToString()), m => m.Count),
        contacts = s.Contacts,
    };

    public static object VehicleView(RepairVehicle v) => new
    {
        id = v.Id,
        name = v.Name,
        lat = v.Latitude,
        lon = v.Longitude,
        speedKmh = v.SpeedKmh,
        heading = v.HeadingDegrees,
        status = Snake(v.Status.ToString()),
        updatedAt = v.LastUpdate.ToUnixTimeMilliseconds(),
    };

    private static string Snake(string name) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(name);
}
