using System.Collections.Concurrent;
using System.Net;
using IoTFireAlert.Dispatch.Webhooks;
using IoTFireAlert.TestSupport;

namespace IoTFireAlert.Dispatch.Tests.Webhooks;

/// <summary>
/// A real HTTP receiver on a free 127.0.0.1 port. Per path it answers from a script ("500", "400",
/// "hang", "200"; 200 once the script is used up), verifies each signature, and dedups by
/// Idempotency-Key: <see cref="Processed"/> counts each key once however often it is accepted.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _scripts = new();
    private readonly Task _loop;

    public WebhookReceiver(string secret)
    {
        Secret = secret;
        Port = FreePort.Next();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(AcceptLoop);
    }

    public string Secret { get; }

    public int Port { get; }

    public ConcurrentQueue<(string Path, string? Key, bool SignatureValid, string Body)> Requests { get; } = new();

    public ConcurrentDictionary<string, int> Accepted { get; } = new();

    public ConcurrentDictionary<string, int> Processed { get; } = new();

    public WebhookEndpoint Endpoint(string path) => new(new Uri($"http://127.0.0.1:{Port}{path}"), Secret);

    public void Script(string path, params string[] answers) => _scripts[path] = new ConcurrentQueue<string>(answers);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            // Each request on its own task: a hanging answer must not hold the others.
            _ = Task.Run(() => Handle(context));
        }
    }

    private async Task Handle(HttpListenerContext context)
    {
        try
        {
            using var buffer = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(buffer);
            var body = buffer.ToArray();
            var path = context.Request.Url!.AbsolutePath;
            var key = context.Request.Headers[WebhookSignature.IdempotencyKeyHeader];
            var valid = WebhookSignature.Verify(
                Secret,
                context.Request.Headers[WebhookSignature.TimestampHeader],
                body,
                context.Request.Headers[WebhookSignature.SignatureHeader],
                TimeSpan.FromMinutes(5));
            Requests.Enqueue((path, key, valid, System.Text.Encoding.UTF8.GetString(body)));
            var answer = _scripts.TryGetValue(path, out var script) && script.TryDequeue(out var next) ? next : "200";
            if (answer == "hang")
            {
                await Task.Delay(Timeout.Infinite, _stop.Token);
            }

            var status = int.Parse(answer, System.Globalization.CultureInfo.InvariantCulture);
            if (status == 200 && (!valid || key is null))
            {
                status = 401;
            }

            if (status == 200)
            {
                Accepted.AddOrUpdate(key!, 1, (_, n) => n + 1);
                Processed.TryAdd(key!, 1);
            }

            context.Response.StatusCode = status;
            context.Response.Close();
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpListenerException or ObjectDisposedException or InvalidOperationException)
        {
            context.Response.Abort();
        }
    }
}
