using IoTFireAlert.Server.DeadLetters;

namespace IoTFireAlert.Server.Api;

/// <summary>GET /api/deadletters: what was rejected, why, and the raw bytes (base64), newest first.</summary>
public static class DeadLetterEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/api/deadletters", async (DeadLetterStore store, int? limit, long? before, string? stage, CancellationToken ct) =>
            Results.Ok(await store.ListAsync(Math.Clamp(limit ?? 100, 1, 5000), before, stage, ct).ConfigureAwait(false)));
    }
}
