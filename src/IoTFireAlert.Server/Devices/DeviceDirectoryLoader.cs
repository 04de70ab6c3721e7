using IoTFireAlert.Server.Hosting;

namespace IoTFireAlert.Server.Devices;

/// <summary>At start: loads the registered devices into memory; on a first start with an empty table, imports the configured device list.</summary>
public sealed class DeviceDirectoryLoader(DeviceRepository repository, DeviceDirectory directory, RegistryOptions registry, IHostEnvironment environment, ILogger<DeviceDirectoryLoader> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Streamed into the directory (which keeps one copy of each record, with shared strings).
        foreach (var device in repository.StreamAll())
        {
            directory.Register(device);
        }

        if (directory.Count == 0 && registry.DevicesFile is { } file)
        {
            var path = Path.Combine(environment.ContentRootPath, file);
            var result = DeviceImport.Parse(await File.ReadAllTextAsync(path, cancellationToken), Path.GetExtension(path) == ".json" ? "application/json" : "text/csv");
            foreach (var error in result.Errors)
            {
                logger.LogWarning("{File}: {Error}", file, error);
            }

            await repository.UpsertAsync(result.Devices, cancellationToken);
            foreach (var device in result.Devices)
            {
                directory.Register(device);
            }

            logger.LogInformation("first start: imported {Count} devices from {File}", result.Devices.Count, file);
        }

        logger.LogInformation("{Count} devices registered", directory.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
