using IoTFireAlert.Server.IntegrationTests;
using IoTFireAlert.TestSupport;

namespace IoTFireAlert.Console.BrowserTests;

/// <summary>
/// One real server for a test class, started on a database seeded with <see cref="ConsoleSeed"/>,
/// a real Mosquitto beside it, and one Chromium. Each test opens its own browser context.
/// </summary>
public sealed class SeededConsole : IAsyncLifetime
{
    private MosquittoBroker? _broker;

    public ServerUnderTest Server { get; private set; } = null!;

    public ChromiumBrowser Chromium { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _broker = MosquittoBroker.Start();
        var dataDirectory = Path.Combine(Path.GetTempPath(), "iotfire-console-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dataDirectory);
        await ConsoleSeed.WriteAsync(Path.Combine(dataDirectory, "iotfire.db"), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Server = new ServerUnderTest(_broker, dataDirectory: dataDirectory);
        Chromium = await ChromiumBrowser.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        if (Chromium is not null)
        {
            await Chromium.DisposeAsync();
        }

        Server?.Dispose();
        _broker?.Dispose();
    }
}
