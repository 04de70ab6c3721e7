using System.Globalization;
using System.Reflection;
using System.Text.Json;
using IoTFireAlert.TestSupport;

namespace IoTFireAlert.Simulator.Tests;

/// <summary>
/// The real IoTFireAlert server (Release build of src/IoTFireAlert.Server) as a process on a free
/// port, registering config/devices.sample.csv and reading the broker the test started; stopped by pid.
/// </summary>
public sealed class SimulatorServer : IDisposable
{
    private readonly ServerProcess _process;
    private readonly string _data = Path.Combine(Path.GetTempPath(), "iotfire-simserver-" + Guid.NewGuid().ToString("N")[..10]);

    public SimulatorServer(MosquittoBroker broker)
    {
        Directory.CreateDirectory(_data);
        Port = FreePort.Next();
        var environment = new Dictionary<string, string>
        {
            ["IOTFIRE_ROOT"] = Repository.Root,
            ["IOTFIRE_Http__Urls"] = $"http://127.0.0.1:{Port}",
            ["IOTFIRE_Mqtt__Host"] = "127.0.0.1",
            ["IOTFIRE_Mqtt__Port"] = broker.Port.ToString(CultureInfo.InvariantCulture),
            ["IOTFIRE_Mqtt__ClientId"] = "iotfire-simtest-" + Guid.NewGuid().ToString("N")[..8],
            ["IOTFIRE_Storage__SqlitePath"] = Path.Combine(_data, "iotfire.db"),
            ["IOTFIRE_Telemetry__Sqlite__Path"] = Path.Combine(_data, "telemetry.db"),
            ["IOTFIRE_Registry__DevicesFile"] = Repository.SampleDevices,
        };
        var configuration = typeof(SimulatorServer).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var dll = Path.Combine(Repository.Root, "src", "IoTFireAlert.Server", "bin", configuration, "net10.0", "IoTFireAlert.Server.dll");
        Assert.True(File.Exists(dll), $"build the server first (dotnet build -c {configuration}): {dll}");
        _process = ServerProcess.Start(ServerProcess.Require("dotnet", "dotnet-sdk"), [dll], Port, TimeSpan.FromSeconds(60), environment);
        WaitHealthy();
    }

    public int Port { get; }

    public string Output => _process.Output;

    public HttpClient Client() => new() { BaseAddress = new Uri($"http://127.0.0.1:{Port}"), Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Every alarm the server holds (one per device and type).</summary>
    public async Task<JsonElement[]> AlarmsAsync()
    {
        using var client = Client();
        using var document = JsonDocument.Parse(await client.GetStringAsync("/api/alarms?limit=5000"));
        return document.RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    public void Dispose()
    {
        _process.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Healthy means subscribed to the broker: only then is a published message sure to arrive.</summary>
    private void WaitHealthy()
    {
        using var client = Client();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                if (client.GetAsync("/healthz").GetAwaiter().GetResult().IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the server did not become healthy within 60 s:\n{Output}");
            }

            Thread.Sleep(100);
        }
    }
}
