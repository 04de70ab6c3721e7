using System.Text.Json;

namespace IoTFireAlert.TestSupport;

/// <summary>
/// A real victoria-metrics (Debian's): accepts InfluxDB line protocol on <c>/api/v2/write</c> and
/// <c>/write</c>, read back through <c>/api/v1/export</c>. Own temp data folder, free 127.0.0.1 port.
/// A line's measurement and field become the metric name <c>{measurement}_{field}</c>; tags become labels.
/// </summary>
public sealed class VictoriaMetricsServer : IDisposable
{
    private readonly ServerProcess _server;

    private VictoriaMetricsServer(ServerProcess server, string directory, int port)
    {
        _server = server;
        Directory = directory;
        Port = port;
        Http = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(30) };
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    public string Directory { get; }

    public int ProcessId => _server.ProcessId;

    public HttpClient Http { get; }

    public static VictoriaMetricsServer Start()
    {
        var binary = ServerProcess.Require("victoria-metrics", "victoria-metrics");
        var dir = Path.Combine(Path.GetTempPath(), "iotfire-vm-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(dir);
        var port = FreePort.Next();
        var server = ServerProcess.Start(binary, [
            $"-httpListenAddr=127.0.0.1:{port}",
            $"-storageDataPath={dir}",
            "-retentionPeriod=100y",
            "-search.latencyOffset=0s",
            "-loggerLevel=ERROR",
        ], port, TimeSpan.FromSeconds(30));
        return new VictoriaMetricsServer(server, dir, port);
    }

    /// <summary>
    /// Samples of every series matching <paramref name="selector"/> (e.g. <c>{__name__=~"m_.*"}</c>) as
    /// lines of JSON from <c>/api/v1/export</c>; each has <c>metric</c>, <c>values</c> and <c>timestamps</c> (ms).
    /// </summary>
    public async Task<IReadOnlyList<JsonDocument>> ExportAsync(string selector)
    {
        // Make freshly ingested rows searchable now rather than after the next in-memory flush.
        using (await Http.GetAsync(new Uri("/internal/force_flush", UriKind.Relative)))
        {
        }

        var text = await Http.GetStringAsync(new Uri($"/api/v1/export?match[]={Uri.EscapeDataString(selector)}", UriKind.Relative));
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line)).ToList();
    }

    public void Dispose()
    {
        _server.Dispose();
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
