using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace IoTFireAlert.LoadProbe;

/// <summary>
/// Reads the server's alarm stream (GET /api/stream/alarms, Server-Sent Events) and stamps every
/// "raised" event with the Stopwatch time it was read, per device id. Events of devices outside
/// the probe's set are counted, not matched.
/// </summary>
public sealed class AlarmStreamListener : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly Func<string, bool> _isProbeDevice;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _reading;
    private long _otherRaised;
    private long _events;

    public AlarmStreamListener(Uri server, Func<string, bool> isProbeDevice)
    {
        _http = new HttpClient { BaseAddress = server, Timeout = Timeout.InfiniteTimeSpan };
        _isProbeDevice = isProbeDevice;
    }

    /// <summary>Receive times (Stopwatch ticks) of "raised" events, with the alarm's raisedAt (the server's ingress time, Unix ms), by device id.</summary>
    public ConcurrentDictionary<string, ConcurrentQueue<(long At, long RaisedAtUnixMs)>> Raised { get; } = new(StringComparer.Ordinal);

    /// <summary>"raised" events of devices that are not the probe's (the background load's own alarms).</summary>
    public long OtherRaised => Interlocked.Read(ref _otherRaised);

    public long Events => Interlocked.Read(ref _events);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var response = await _http.GetAsync(new Uri("/api/stream/alarms", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        _reading = Task.Run(() => ReadAsync(response, _stop.Token), CancellationToken.None);
        // The endpoint writes "retry:" first, after it has subscribed to live events.
        await _connected.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
    }

    private async Task ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var reader = new StreamReader(body);
            string? kind = null;
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.StartsWith("retry:", StringComparison.Ordinal))
                {
                    _connected.TrySetResult();
                }
                else if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    kind = line[7..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    var at = Stopwatch.GetTimestamp();
                    Interlocked.Increment(ref _events);
                    if (kind == "raised")
                    {
                        Record(line.AsMemory(6), at);
                    }
                }
                else if (line.Length == 0)
                {
                    kind = null;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            await Console.Error.WriteLineAsync($"alarm stream ended: {e.Message}");
        }
        finally
        {
            _connected.TrySetException(new InvalidOperationException("the alarm stream closed before it started"));
            response.Dispose();
        }
    }

    /// <summary>Runs the event parsing once before timing starts, so the first alarm does not carry the probe's own JIT.</summary>
    public static void WarmUp()
    {
        using var document = JsonDocument.Parse("""{"deviceId":"warm-up","raisedAt":1}""");
        _ = document.RootElement.TryGetProperty("deviceId", out var id) && id.GetString() is not null
            && document.RootElement.TryGetProperty("raisedAt", out var raised) && raised.TryGetInt64(out _);
    }

    private void Record(ReadOnlyMemory<char> json, long at)
    {
        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("deviceId", out var id) || id.GetString() is not { } deviceId)
        {
            return;
        }

        if (!_isProbeDevice(deviceId))
        {
            Interlocked.Increment(ref _otherRaised);
            return;
        }

        var raisedAt = document.RootElement.TryGetProperty("raisedAt", out var raised) && raised.TryGetInt64(out var ms) ? ms : 0;
        Raised.GetOrAdd(deviceId, _ => new ConcurrentQueue<(long, long)>()).Enqueue((at, raisedAt));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_reading is not null)
        {
            await _reading.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        _http.Dispose();
        _stop.Dispose();
    }
}
