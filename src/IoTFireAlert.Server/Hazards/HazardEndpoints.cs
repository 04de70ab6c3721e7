using IoTFireAlert.Server.Api;
using IoTFireAlert.Server.Security;

namespace IoTFireAlert.Server.Hazards;

/// <summary>/api/workorders (list, detail with timeline, findings, steps), /api/sites (codes, inspections due, visits) and /api/stats/hazards.</summary>
public static class HazardEndpoints
{
    public sealed record StepRequest(string? By, string? Assignee, string? Grid, string? Note);

    public sealed record InspectionRequest(string? By, string? Note);

    public static void Map(WebApplication app)
    {
        app.MapGet("/api/workorders", (WorkOrderService orders, string? state, string? site, string? grid, string? device, string? assignee, bool? open, int? limit) =>
        {
            if (state is not null && !WorkOrderStates.All.Contains(state))
            {
                return Results.Problem(statusCode: 400, title: $"state must be one of {string.Join(", ", WorkOrderStates.All)}");
            }

            return Results.Ok(orders.List(new WorkOrderFilter(state, site, grid, device, assignee, open, Math.Clamp(limit ?? 200, 1, 5000))));
        });

        app.MapGet("/api/workorders/{id:long}", (long id, WorkOrderService orders) =>
            orders.Get(id) is { } order
                ? Results.Ok(new { order, timeline = orders.Timeline(id) })
                : Results.Problem(statusCode: 404, title: $"work order {id} does not exist"));

        app.MapPost("/api/workorders", (ManualFinding finding, HttpContext http, WorkOrderService orders) =>
        {
            var result = orders.Create(finding, RoleRequirement.Actor(http, finding.By));
            return result.Error is null
                ? Results.Json(result.Order, statusCode: result.StatusCode)
                : Results.Problem(statusCode: result.StatusCode, title: result.Error);
        }).RequireRole(Role.Dispatcher);

        app.MapPost("/api/workorders/{id:long}/{action}", (long id, string action, StepRequest? body, HttpContext http, WorkOrderService orders) =>
        {
            if (!TryAction(action, out var kind))
            {
                return Results.Problem(statusCode: 404, title: $"unknown step '{action}': use assign, start, rectified, verify, reject or close");
            }

            var result = orders.Act(id, new WorkOrderStep(kind, RoleRequirement.Actor(http, body?.By), Blank(body?.Assignee), Blank(body?.Grid), body?.Note));
            return result.Error is null ? Results.Ok(result.Order) : Results.Problem(statusCode: result.StatusCode, title: result.Error);
        }).RequireRole(Role.Dispatcher);

        app.MapGet("/api/sites", (SiteRegister sites, string? code, string? due) =>
        {
            if (code is not null && !RiskCodes.IsKnown(code))
            {
                return Results.Problem(statusCode: 400, title: "code must be red, yellow or green");
            }

            if (due is not null && due != "today")
            {
                return Results.Problem(statusCode: 400, title: "due must be 'today'");
            }

            return Results.Ok(sites.List(code, due is not null));
        });

        app.MapPost("/api/sites/{site}/inspections", (string site, InspectionRequest? body, HttpContext http, SiteRegister sites) =>
            sites.RecordInspection(site, RoleRequirement.Actor(http, body?.By), body?.Note) is { } risk
                ? Results.Ok(risk)
                : Results.Problem(statusCode: 404, title: $"site '{site}' has no devices, code or work orders")).RequireRole(Role.Dispatcher);

        app.MapGet("/api/stats/hazards", (HazardStatistics statistics, string? from, string? to, int? top, string? format) =>
        {
            if (!AlarmEndpoints.TryTime(from, out var fromMs) || !AlarmEndpoints.TryTime(to, out var toMs))
            {
                return Results.Problem(statusCode: 400, title: "from/to must be unix milliseconds or ISO-8601 times");
            }

            if (format is not null && format is not ("csv" or "json"))
            {
                return Results.Problem(statusCode: 400, title: "format must be csv or json");
            }

            var report = statistics.Compute(fromMs ?? 0, toMs ?? long.MaxValue, Math.Clamp(top ?? 10, 1, 1000));
            return format == "csv"
                ? Results.Text(HazardStatistics.ToCsv(report), "text/csv; charset=utf-8")
                : Results.Ok(report);
        });
    }

    public static bool TryAction(string text, out WorkOrderAction action) =>
        Enum.TryParse(text, ignoreCase: true, out action) && Enum.IsDefined(action) && !text.Any(char.IsDigit);

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
