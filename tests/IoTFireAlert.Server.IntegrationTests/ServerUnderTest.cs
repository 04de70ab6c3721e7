using System.Net.Http.Json;
using System.Reflection;
using IoTFireAlert.TestSupport;

namespace IoTFireAlert.Server.IntegrationTests;

/// <summary>
/// The real server as a separate process (so a test can kill -9 it), on a free 127.0.0.1 port,
/// with its own SQLite folder, pointed at a broker the test started. Stopped by pid.
/// </summary>
public sealed partial class ServerUnderTest : IDisposable
{
    public const string AdminKey = "test-admin-key-0123456789abcdef";
    public const string DispatcherKey = "test-dispatcher-key-0123456789abcdef";
    public const string ViewerKey = "test-viewer-key-0123456789abcdef";

    private readonly Dictionary<string, string> _environment;
    private ServerProcess? _process;

    public ServerUnderTest(MosquittoBroker broker, IDictionary<string, string>? settings = null, string? dataDirectory = null)
    {
        DataDirectory = dataDirectory ?? Path.Combine(Path.GetTempPath(), "iotfire-server-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(DataDirectory);
        _environment = new Dictionary<string, string>
        {
            ["IOTFIRE_ROOT"] = RepositoryRoot(),
            ["IOTFIRE_Mqtt__Host"] = "127.0.0.1",
            ["IOTFIRE_Mqtt__Port"] = broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["IOTFIRE_Mqtt__ClientId"] = "iotfire-test-" + Guid.NewGuid().ToString("N")[..8],
            ["IOTFIRE_Storage__SqlitePath"] = Path.Combine(DataDirectory, "iotfire.db"),
            ["IOTFIRE_Telemetry__Sqlite__Path"] = Path.Combine(DataDirectory, "telemetry.db"),
            ["IOTFIRE_Security__ApiKeys__0__Name"] = "admin",
            ["IOTFIRE_Security__ApiKeys__0__Role"] = "administrator",
            ["IOTFIRE_Security__ApiKeys__0__Key"] = AdminKey,
            ["IOTFIRE_Security__ApiKeys__1__Name"] = "desk",
            ["IOTFIRE_Security__ApiKeys__1__Role"] = "dispatcher",
            ["IOTFIRE_Security__ApiKeys__1__Key"] = DispatcherKey,
            ["IOTFIRE_Security__ApiKeys__2__Name"] = "wall",
            ["IOTFIRE_Security__ApiKeys__2__Role"] = "viewer",
            ["IOTFIRE_Security__ApiKeys__2__Key"] = ViewerKey,
            ["IOTFIRE_Pipeline__OfflineCheckSeconds"] = "1",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            _environment["IOTFIRE_" + key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        Start();
    }

    /// <summary>The port the server listens on: chosen by the kernel at the first start, kept across restarts.</summary>
    public int Port { get; private set; }

    public string DataDirectory { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    public string Output => _process?.Output ?? "";

    public HttpClient Client(string? key = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        return client;
    }

    public void Start()
    {
        // Port 0 at first: a port picked free beforehand can be taken by a parallel test's server,
        // whose answers would then pass for this one's until it stops.
        _environment["IOTFIRE_Http__Urls"] = $"http://127.0.0.1:{Port}";
        _process = ServerProcess.Launch(ServerProcess.Require("dotnet", "dotnet-sdk"), [ServerAssemblyPath()], _environment);
        var listening = _process.WaitForOutput(ListeningLine(), TimeSpan.FromSeconds(60));
        Port = int.Parse(listening.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        WaitHealthy();
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"Now listening on: http://127\.0\.0\.1:(\d+)")]
    private static partial System.Text.RegularExpressions.Regex ListeningLine();

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

    /// <summary>SIGKILL, as a crash: no shutdown code runs.</summary>
    public void Kill() => _process?.Kill();

    public void Restart()
    {
        _process?.Dispose();
        Start();
    }

    /// <summary>Polls <paramref name="probe"/> until it returns a value or the timeout passes; then fails with the server's output.</summary>
    public async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            T? value;
            try
            {
                value = await probe();
            }
            catch (HttpRequestException e) when (_process is { HasExited: true })
            {
                throw new InvalidOperationException($"the server exited while waiting for {what}: {e.Message}\nServer output:\n{Tail(Output)}", e);
            }

            if (value is not null)
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{what} did not happen within {timeout}.\nServer output:\n{Tail(Output)}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>As <see cref="EventuallyAsync{T}"/>, for a probe that finds a value type (e.g. a JSON element).</summary>
    public async Task<T> EventuallyFoundAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what)
        where T : struct
    {
        var boxed = await EventuallyAsync<object>(async () => await probe() is { } found ? found : null, timeout, what);
        return (T)boxed;
    }

    public async Task<T?> GetJsonAsync<T>(string path)
    {
        using var client = Client();
        return await client.GetFromJsonAsync<T>(path, Json);
    }

    private static string Tail(string output) => output[^Math.Min(output.Length, 4000)..];

    public static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web);

    public void Dispose()
    {
        _process?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "IoTFireAlert.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root not found");
    }

    private static string ServerAssemblyPath()
    {
        var configuration = typeof(ServerUnderTest).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var path = Path.Combine(RepositoryRoot(), "src", "IoTFireAlert.Server", "bin", configuration, "net10.0", "IoTFireAlert.Server.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"build the server first (dotnet build -c {configuration}): {path}");
    }
}
