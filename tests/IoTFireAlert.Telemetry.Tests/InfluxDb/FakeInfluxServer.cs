using System.IO.Compression;
using System.Net;
using System.Net.Sockets;

namespace IoTFireAlert.Telemetry.Tests.InfluxDb;

/// <summary>
/// A scripted HTTP endpoint on 127.0.0.1 for edge cases a real influxd will not produce on demand
/// (429 with Retry-After, 503, a stalled server). Each request is recorded and answered by the script.
/// </summary>
public sealed class FakeInfluxServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<int, RecordedRequest, HttpListenerResponse, Task> _respond;
    private readonly Task _loop;
    private int _count;

    public FakeInfluxServer(Func<int, HttpListenerResponse, Task> respond)
        : this((index, _, response) => respond(index, response))
    {
    }

    /// <summary>A server whose answer depends on the request (path, headers, decompressed body).</summary>
    public FakeInfluxServer(Func<int, RecordedRequest, HttpListenerResponse, Task> respond)
    {
        _respond = respond;
        Port = FreeTcpPort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    public List<RecordedRequest> Requests { get; } = [];

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The listener throws when stopped mid-wait.
        }
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var body = new MemoryStream();
            Stream input = context.Request.Headers["Content-Encoding"] == "gzip"
                ? new GZipStream(context.Request.InputStream, CompressionMode.Decompress)
                : context.Request.InputStream;
            await input.CopyToAsync(body);
            var index = Interlocked.Increment(ref _count) - 1;
            var recorded = new RecordedRequest(
                context.Request.Url!.PathAndQuery,
                context.Request.Headers["Authorization"],
                context.Request.Headers["Content-Encoding"],
                System.Text.Encoding.UTF8.GetString(body.ToArray()),
                DateTime.UtcNow);
            lock (Requests)
            {
                Requests.Add(recorded);
            }

            _ = Task.Run(async () =>
            {
                await _respond(index, recorded, context.Response);
                context.Response.Close();
            });
        }
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public sealed record RecordedRequest(string PathAndQuery, string? Authorization, string? ContentEncoding, string Body, DateTime ArrivedUtc);
}
