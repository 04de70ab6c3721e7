using System.Globalization;
using System.Text;
using System.Threading.Channels;
using IoTFireAlert.Server.Alarms;

namespace IoTFireAlert.Server.Api;

/// <summary>
/// GET /api/stream/alarms: Server-Sent Events. Resumable: a client that reconnects with
/// Last-Event-ID (header, or ?lastEventId=) gets every event it missed from the database first,
/// then live events, with no gap and no duplicate.
/// </summary>
public static class AlarmStreamEndpoint
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/api/stream/alarms", async (HttpContext http, AlarmEventHub hub, AlarmQueries queries, CancellationToken ct) =>
        {
            var lastId = ParseLastEventId(http);
            http.Response.Headers.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-cache";
            http.Response.Headers["X-Accel-Buffering"] = "no";

            // A new client starts from the last event published before it subscribed; then it
            // subscribes and replays from the database, so nothing committed meanwhile is missed.
            lastId ??= hub.LastPublishedId;
            var live = hub.Subscribe();
            try
            {
                await http.Response.WriteAsync("retry: 2000\n\n", ct).ConfigureAwait(false);
                while (true)
                {
                    var missed = await queries.EventsAfterAsync(lastId.Value, 1000, ct).ConfigureAwait(false);
                    foreach (var e in missed)
                    {
                        await WriteAsync(http.Response, e, ct).ConfigureAwait(false);
                        lastId = e.Id;
                    }

                    if (missed.Count < 1000)
                    {
                        break;
                    }
                }

                await http.Response.Body.FlushAsync(ct).ConfigureAwait(false);
                await StreamLiveAsync(http.Response, live, lastId.Value, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // The client went away.
            }
            catch (ChannelClosedException)
            {
                // Too slow: the client reconnects with its Last-Event-ID and replays from the database.
            }
            finally
            {
                hub.Unsubscribe(live);
            }
        });
    }

    private static async Task StreamLiveAsync(HttpResponse response, ChannelReader<AlarmEvent> live, long lastId, CancellationToken ct)
    {
        while (true)
        {
            using var keepAlive = CancellationTokenSource.CreateLinkedTokenSource(ct);
            keepAlive.CancelAfter(TimeSpan.FromSeconds(15));
            bool ready;
            try
            {
                ready = await live.WaitToReadAsync(keepAlive.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // A comment line keeps proxies and the browser from timing the stream out.
                await response.WriteAsync(": keep-alive\n\n", ct).ConfigureAwait(false);
                await response.Body.FlushAsync(ct).ConfigureAwait(false);
                continue;
            }

            if (!ready)
            {
                return;
            }

            while (live.TryRead(out var e))
            {
                if (e.Id > lastId)
                {
                    await WriteAsync(response, e, ct).ConfigureAwait(false);
                    lastId = e.Id;
                }
            }

            await response.Body.FlushAsync(ct).ConfigureAwait(false);
        }
    }

    private static Task WriteAsync(HttpResponse response, AlarmEvent e, CancellationToken ct)
    {
        var text = new StringBuilder(e.Body.Length + 64)
            .Append("id: ").Append(e.Id.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append("event: ").Append(e.Kind).Append('\n')
            .Append("data: ").Append(e.Body).Append("\n\n")
            .ToString();
        return response.WriteAsync(text, ct);
    }

    private static long? ParseLastEventId(HttpContext http)
    {
        var text = http.Request.Headers["Last-Event-ID"].ToString();
        if (string.IsNullOrEmpty(text))
        {
            text = http.Request.Query["lastEventId"].ToString();
        }

        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) && id >= 0 ? id : null;
    }
}
