using IoTFireAlert.Server.Alarms;

namespace IoTFireAlert.Server.Api;

/// <summary>GET /healthz: 200 when the store answers and the alarm writer keeps up; 503 otherwise, with the reason.</summary>
public static class HealthEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/healthz", async (AlarmQueries queries, AlarmWriter writer, IEnumerable<IHealthSignal> signals, CancellationToken ct) =>
        {
            var problems = new List<string>();
            try
            {
                await queries.LastEventIdAsync(ct).ConfigureAwait(false);
            }
            catch (Microsoft.Data.Sqlite.SqliteException e)
            {
                problems.Add($"store: {e.Message}");
            }

            foreach (var signal in signals)
            {
                if (signal.Problem is { } problem)
                {
                    problems.Add(problem);
                }
            }

            var body = new { status = problems.Count == 0 ? "ok" : "degraded", problems, alarmQueue = writer.QueueDepth };
            return Results.Json(body, statusCode: problems.Count == 0 ? 200 : 503);
        });
    }
}
