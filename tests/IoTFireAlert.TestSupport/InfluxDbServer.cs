using System.Net.Http.Headers;
using System.Text.Json;

namespace IoTFireAlert.TestSupport;

/// <summary>
/// A real influxd (Debian's 1.x) for one test class: its own config and data in a temporary
/// folder, HTTP on a free 127.0.0.1 port, the RPC bind address on another. Stop, kill and
/// restart by pid; the data survives a restart.
/// </summary>
public sealed class InfluxDbServer : IDisposable
{
    private readonly string _configPath;
    private ServerProcess? _server;

    private InfluxDbServer(string directory, string configPath, int port)
    {
        Directory = directory;
        _configPath = configPath;
        Port = port;
        Http = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(30) };
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    public string Directory { get; }

    public int ProcessId => _server?.ProcessId ?? 0;

    public bool IsRunning => _server is { HasExited: false };

    public string Output => _server?.Output ?? "";

    /// <summary>A client for the server's own <c>/query</c> API, for checks.</summary>
    public HttpClient Http { get; }

    public static InfluxDbServer Start()
    {
        ServerProcess.Require("influxd", "influxdb");
        var dir = Path.Combine(Path.GetTempPath(), "iotfire-influxd-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(dir);
        var port = FreePort.Next();
        var rpcPort = FreePort.Next();
        while (rpcPort == port)
        {
            rpcPort = FreePort.Next();
        }

        var config = $"""
            reporting-disabled = true
            bind-address = "127.0.0.1:{rpcPort}"

            [meta]
              dir = "{dir}/meta"

            [data]
              dir = "{dir}/data"
              wal-dir = "{dir}/wal"
              query-log-enabled = false

            [http]
              enabled = true
              bind-address = "127.0.0.1:{port}"
              log-enabled = false
              max-body-size = 0

            [logging]
              level = "warn"

            [monitor]
              store-enabled = false

            [continuous_queries]
              enabled = false

            [subscriber]
              enabled = false
            """;
        var configPath = Path.Combine(dir, "influxdb.conf");
        File.WriteAllText(configPath, config);
        var server = new InfluxDbServer(dir, configPath, port);
        server.Launch();
        return server;
    }

    /// <summary>Kills influxd (SIGKILL), as a crash would.</summary>
    public void Kill()
    {
        _server?.Kill();
        _server?.Dispose();
        _server = null;
    }

    /// <summary>Starts influxd again on the same port with the same data.</summary>
    public void Launch()
    {
        if (IsRunning)
        {
            return;
        }

        _server?.Dispose();
        _server = ServerProcess.Start(ServerProcess.Require("influxd", "influxdb"), ["run", "-config", _configPath], Port, TimeSpan.FromSeconds(30));
        // The port opens a moment before the HTTP handler answers: wait for /ping.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var response = Http.GetAsync(new Uri("/ping", UriKind.Relative)).GetAwaiter().GetResult();
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"influxd did not answer /ping on {Port}:\n{Output}");
            }

            Thread.Sleep(50);
        }
    }

    public async Task CreateDatabaseAsync(string name)
    {
        using var result = await QueryAsync($"CREATE DATABASE \"{name}\"", null);
    }

    /// <summary>Runs InfluxQL via <c>POST /query</c> (epoch=ns) and returns the JSON answer; throws on an error in it.</summary>
    public async Task<JsonDocument> QueryAsync(string influxQl, string? database)
    {
        var form = new Dictionary<string, string> { ["q"] = influxQl };
        if (database is not null)
        {
            form["db"] = database;
        }

        using var content = new FormUrlEncodedContent(form);
        using var response = await Http.PostAsync(new Uri("/query?epoch=ns", UriKind.Relative), content);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode || text.Contains("\"error\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"influxd query failed ({(int)response.StatusCode}): {text}");
        }

        return JsonDocument.Parse(text);
    }

    /// <summary><c>SELECT COUNT(field) FROM measurement</c>, or 0 when the measurement has no points.</summary>
    public async Task<long> CountAsync(string database, string measurement, string field)
    {
        using var json = await QueryAsync($"SELECT COUNT(\"{field}\") FROM \"{measurement}\"", database);
        var result = json.RootElement.GetProperty("results")[0];
        if (!result.TryGetProperty("series", out var series))
        {
            return 0;
        }

        return series[0].GetProperty("values")[0][1].GetInt64();
    }

    /// <summary>Posts raw line protocol to <c>/write</c> (for comparisons with the writer).</summary>
    public async Task<HttpResponseMessage> WriteRawAsync(string database, byte[] body, string precision = "ns", bool gzip = false)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
        if (gzip)
        {
            content.Headers.ContentEncoding.Add("gzip");
        }

        return await Http.PostAsync(new Uri($"/write?db={Uri.EscapeDataString(database)}&precision={precision}", UriKind.Relative), content);
    }

    public void Dispose()
    {
        _server?.Dispose();
        Http.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
