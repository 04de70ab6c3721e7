using IoTFireAlert.Server.IntegrationTests;
using IoTFireAlert.TestSupport;

namespace IoTFireAlert.Console.BrowserTests;

/// <summary>
/// One real server for a test class, started on a database seeded with <see cref="ConsoleSeed"/>,
/// a real Mosquitto beside it, and one Chromium. Each test opens its own browser context.
/// </summary>
public sealed class SeededConsole : IAsyncLifetime
{
    /// <summary>A console user from configuration (Security:Users), next to the fixture's API keys.</summary>
    public const string UserName = "li.na";
    public const string UserPassword = "correct horse battery staple";

    private MosquittoBroker? _broker;

    public ServerUnderTest Server { get; private set; } = null!;

    public ChromiumBrowser Chromium { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // xunit does not call DisposeAsync when InitializeAsync throws: clean up here, so a missing
        // browser never leaves a broker and a server running.
        try
        {
            Chromium = await ChromiumBrowser.LaunchAsync();
            _broker = MosquittoBroker.Start();
            var dataDirectory = Path.Combine(Path.GetTempPath(), "iotfire-console-" + Guid.NewGuid().ToString("N")[..12]);
            Directory.CreateDirectory(dataDirectory);
            await ConsoleSeed.WriteAsync(Path.Combine(dataDirectory, "iotfire.db"), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Server = new ServerUnderTest(
                _broker,
                new Dictionary<string, string>
                {
                    ["Security:Users:0:Name"] = UserName,
                    ["Security:Users:0:Role"] = "dispatcher",
                    ["Security:Users:0:PasswordHash"] = IoTFireAlert.Server.Security.PasswordHashes.Hash(UserPassword),
                },
                dataDirectory);
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
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
