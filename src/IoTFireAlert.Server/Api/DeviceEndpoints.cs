using IoTFireAlert.Ingestion.Readings;
using IoTFireAlert.Server.Devices;
using IoTFireAlert.Server.Security;

namespace IoTFireAlert.Server.Api;

/// <summary>/api/devices: list, get, update, bulk import, and the quarantine of unknown devices.</summary>
public static class DeviceEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/api/devices", async (DeviceRepository repository, string? site, string? kind, int? limit, int? offset, CancellationToken ct) =>
        {
            string? kindName = null;
            if (kind is not null)
            {
                if (!DeviceKindNames.TryParse(kind, out var parsed))
                {
                    return Results.Problem(statusCode: 400, title: $"unknown kind '{kind}'");
                }

                kindName = parsed.ToString();
            }

            return Results.Ok(await repository.ListAsync(site, kindName, Math.Clamp(limit ?? 500, 1, 10_000), Math.Max(offset ?? 0, 0), ct).ConfigureAwait(false));
        });

        app.MapGet("/api/devices/unknown", (UnknownDeviceQuarantine quarantine, int? limit) =>
            Results.Ok(quarantine.List(Math.Clamp(limit ?? 500, 1, 10_000))));

        app.MapGet("/api/devices/{id}", async (string id, DeviceRepository repository, DeviceDirectory directory, CancellationToken ct) =>
        {
            var device = await repository.GetAsync(id, ct).ConfigureAwait(false);
            if (device is null)
            {
                return Results.Problem(statusCode: 404, title: $"device '{id}' is not registered");
            }

            return Results.Ok(new { device, status = directory.StatusOf(id) });
        });

        app.MapPut("/api/devices/{id}", async (string id, DeviceRecord body, DeviceRepository repository, DeviceDirectory directory, CancellationToken ct) =>
        {
            var device = body with { Id = id };
            if (device.Validate() is { } reason)
            {
                return Results.Problem(statusCode: 400, title: reason);
            }

            await repository.UpsertAsync([device], ct).ConfigureAwait(false);
            directory.Register(device);
            return Results.Ok(device);
        }).RequireRole(Role.Administrator);

        app.MapPost("/api/devices:import", async (HttpRequest request, DeviceRepository repository, DeviceDirectory directory, CancellationToken ct) =>
        {
            using var reader = new StreamReader(request.Body);
            var text = await reader.ReadToEndAsync(ct).ConfigureAwait(false);
            var result = DeviceImport.Parse(text, request.ContentType);
            if (result.Devices.Count > 0)
            {
                await repository.UpsertAsync(result.Devices, ct).ConfigureAwait(false);
                foreach (var device in result.Devices)
                {
                    directory.Register(device);
                }
            }

            var status = result.Devices.Count == 0 && result.Errors.Count > 0 ? 400 : 200;
            return Results.Json(new { imported = result.Devices.Count, errors = result.Errors }, statusCode: status);
        }).RequireRole(Role.Administrator);
    }
}
