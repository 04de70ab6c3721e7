using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using IoTFireAlert.Telemetry.LineProtocol;
using Polly;
using Polly.Retry;

namespace IoTFireAlert.Telemetry.InfluxDb;

public sealed partial class InfluxDbWriter
{
    private HttpClient _http = null!;
    private bool _ownsHttp;
    private Uri _writeUri = null!;
    private AuthenticationHeaderValue? _authorization;
    private ResiliencePipeline<HttpResponseMessage> _retrying = null!;
    private readonly MemoryStream _gzipBuffer = new();

    private enum Outcome
    {
        Written,
        Rejected,
        Unavailable,
    }

    private void InitHttp(HttpClient? httpClient)
    {
        _ownsHttp = httpClient is null;
        _http = httpClient ?? new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            Timeout = _options.RequestTimeout,
        };
        _writeUri = InfluxDbEndpoints.Write(_options);
        _authorization = InfluxDbEndpoints.Authorization(_options);
        _retrying = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = static args => ValueTask.FromResult(IsTransient(args.Outcome, args.Context.CancellationToken)),
                MaxRetryAttempts = Math.Max(1, _options.MaxRetryAttempts),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.RetryBaseDelay,
                MaxDelay = _options.RetryMaxDelay,
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result)),
                OnRetry = args =>
                {
                    Metrics.AddRetry();
                    Metrics.LastError = Describe(args.Outcome);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    private void DisposeHttp()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }

        _gzipBuffer.Dispose();
    }

    /// <summary>
    /// Sends lines start..start+count. Returns how many lines, from <paramref name="start"/>, are
    /// settled (written or dead-lettered); fewer than <paramref name="count"/> means the server is
    /// unavailable and the rest must be kept.
    /// </summary>
    private async Task<int> SendLinesAsync(LineBatch batch, int start, int count, bool withRetries)
    {
        var (outcome, status, message) = await PostAsync(batch.Lines(start, count), withRetries).ConfigureAwait(false);
        switch (outcome)
        {
            case Outcome.Written:
                Metrics.AddWritten(count);
                Metrics.LastError = null;
                return count;
            case Outcome.Rejected when count == 1:
                Metrics.AddDeadLettered(1);
                Metrics.LastError = $"HTTP {status}: {message}";
                try
                {
                    _deadLetter?.Invoke(new DeadLetter(Encoding.UTF8.GetString(batch.Line(start)).TrimEnd('\n'), status, message));
                }
                catch (Exception e)
                {
                    // A failing callback must not stop delivery of everything else.
                    Metrics.LastError = "dead-letter callback: " + e.Message;
                }

                return 1;
            case Outcome.Rejected:
                // Bisect: the good half is written, the bad line ends up alone. InfluxDB 1.x writes the
                // parsable points of a 400 ("partial write"), so good lines may be sent twice; a point
                // with the same series and timestamp overwrites itself, so nothing is duplicated.
                var half = count / 2;
                var first = await SendLinesAsync(batch, start, half, withRetries).ConfigureAwait(false);
                if (first < half)
                {
                    return first;
                }

                return half + await SendLinesAsync(batch, start + half, count - half, withRetries).ConfigureAwait(false);
            default:
                return 0;
        }
    }

    private async Task<(Outcome Outcome, int Status, string Message)> PostAsync(ReadOnlyMemory<byte> lines, bool withRetries)
    {
        var body = lines;
        if (_options.Gzip)
        {
            _gzipBuffer.SetLength(0);
            using (var gzip = new GZipStream(_gzipBuffer, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(lines.Span);
            }

            body = _gzipBuffer.GetBuffer().AsMemory(0, (int)_gzipBuffer.Length);
        }

        HttpResponseMessage response;
        try
        {
            response = withRetries && _options.MaxRetryAttempts > 0
                ? await _retrying.ExecuteAsync(static (state, ct) => state.Writer.SendOnceAsync(state.Body, ct), (Writer: this, Body: body), CancellationToken.None).ConfigureAwait(false)
                : await SendOnceAsync(body, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            Metrics.LastError = e.Message;
            return (Outcome.Unavailable, 0, e.Message);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return (Outcome.Written, status, "");
            }

            var message = await ReadErrorAsync(response).ConfigureAwait(false);
            if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnprocessableEntity)
            {
                return (Outcome.Rejected, status, message);
            }

            // 401/403/404 (wrong credentials, bucket or database) and exhausted retries: keep the lines.
            Metrics.LastError = $"HTTP {status}: {message}";
            return (Outcome.Unavailable, status, message);
        }
    }

    private async ValueTask<HttpResponseMessage> SendOnceAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _writeUri)
        {
            Content = new ReadOnlyMemoryContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
        if (_options.Gzip)
        {
            request.Content.Headers.ContentEncoding.Add("gzip");
        }

        request.Headers.Authorization = _authorization;
        return await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsTransient(Outcome<HttpResponseMessage> outcome, CancellationToken cancellationToken) => outcome switch
    {
        { Exception: HttpRequestException or IOException } => true,
        // HttpClient.Timeout surfaces as a TaskCanceledException; a cancelled caller does not retry.
        { Exception: OperationCanceledException } => !cancellationToken.IsCancellationRequested,
        { Result: { } response } => response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500,
        _ => false,
    };

    private TimeSpan? RetryAfter(HttpResponseMessage? response)
    {
        var header = response?.Headers.RetryAfter;
        if (header is null)
        {
            return null;
        }

        var wait = header.Delta ?? (header.Date is { } date ? date - _time.GetUtcNow() : null);
        if (wait is not { } delay)
        {
            return null;
        }

        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay > _options.RetryMaxDelay ? _options.RetryMaxDelay : delay;
    }

    private static string Describe(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception?.Message ?? $"HTTP {(int)outcome.Result!.StatusCode} {outcome.Result.ReasonPhrase}";

    /// <summary>1.x answers <c>{"error":"..."}</c>, 2.x <c>{"code":"...","message":"..."}</c>, others plain text.</summary>
    private static async Task<string> ReadErrorAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        try
        {
            using var json = JsonDocument.Parse(text);
            if (json.RootElement.ValueKind == JsonValueKind.Object)
            {
                if (json.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String)
                {
                    return error.GetString()!;
                }

                if (json.RootElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
                {
                    return message.GetString()!;
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: the text is the message.
        }

        return text.Trim();
    }
}
