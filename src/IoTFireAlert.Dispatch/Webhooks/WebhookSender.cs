using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace IoTFireAlert.Dispatch.Webhooks;

/// <summary>
/// Posts signed JSON to webhook endpoints with retries (Polly.Core: retry outside, per-attempt timeout
/// inside). Only a 2xx counts as delivered. Every attempt is signed afresh with the current time and
/// carries the same <c>Idempotency-Key</c>, so a receiver that saw an attempt whose answer was lost
/// can drop the repeat. Deliveries are independent tasks on a shared <see cref="HttpClient"/>: a
/// hanging receiver holds only its own delivery, for at most the attempt timeout per attempt.
/// Give it an <see cref="HttpClient"/> whose own Timeout is at least <see cref="WebhookOptions.AttemptTimeout"/>.
/// </summary>
public sealed class WebhookSender
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    private readonly HttpClient _http;
    private readonly TimeProvider _clock;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public WebhookSender(HttpClient http, WebhookOptions options, TimeProvider? clock = null)
    {
        _http = http ?? throw new ArgumentNullException(nameof(http));
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxAttempts < 1 || options.AttemptTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("MaxAttempts must be >= 1 and AttemptTimeout positive", nameof(options));
        }

        _clock = clock ?? TimeProvider.System;
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _clock };
        if (options.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                ShouldHandle = static args => ValueTask.FromResult(IsTransient(args.Outcome, args.Context.CancellationToken)),
                OnRetry = static args =>
                {
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            });
        }

        builder.AddTimeout(options.AttemptTimeout);
        _pipeline = builder.Build();
    }

    /// <summary>Delivers <paramref name="jsonBody"/>; throws only when <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task<WebhookDeliveryResult> DeliverAsync(WebhookEndpoint endpoint, string idempotencyKey, ReadOnlyMemory<byte> jsonBody, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentException.ThrowIfNullOrEmpty(idempotencyKey);
        var started = _clock.GetTimestamp();
        var attempt = new AttemptLog();
        HttpResponseMessage? response = null;
        try
        {
            response = await _pipeline.ExecuteAsync(
                async token =>
                {
                    attempt.Count++;
                    try
                    {
                        using var request = CreateRequest(endpoint, idempotencyKey, jsonBody);
                        var r = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
                        attempt.StatusCode = (int)r.StatusCode;
                        attempt.Error = r.IsSuccessStatusCode ? null : $"HTTP {(int)r.StatusCode} {r.ReasonPhrase}";
                        return r;
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                    {
                        attempt.StatusCode = null;
                        attempt.Error = ex is OperationCanceledException ? "attempt timed out" : $"{ex.GetType().Name}: {ex.Message}";
                        throw;
                    }
                },
                cancellationToken).ConfigureAwait(false);
            return Result(response.IsSuccessStatusCode, attempt, started);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is HttpRequestException or TimeoutRejectedException or OperationCanceledException)
        {
            if (ex is TimeoutRejectedException)
            {
                attempt.Error = "attempt timed out";
            }

            return Result(false, attempt, started);
        }
        finally
        {
            response?.Dispose();
        }
    }

    private WebhookDeliveryResult Result(bool delivered, AttemptLog attempt, long started) =>
        new(delivered, attempt.Count, attempt.StatusCode, delivered ? null : attempt.Error, _clock.GetElapsedTime(started));

    private HttpRequestMessage CreateRequest(WebhookEndpoint endpoint, string idempotencyKey, ReadOnlyMemory<byte> body)
    {
        var timestamp = _clock.GetUtcNow().ToUnixTimeSeconds();
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url)
        {
            Content = new ReadOnlyMemoryContent(body),
        };
        request.Content.Headers.ContentType = Json;
        request.Headers.TryAddWithoutValidation(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(WebhookSignature.SignatureHeader, WebhookSignature.Sign(endpoint.Secret, timestamp, body.Span));
        request.Headers.TryAddWithoutValidation(WebhookSignature.IdempotencyKeyHeader, idempotencyKey);
        return request;
    }

    private static bool IsTransient(Outcome<HttpResponseMessage> outcome, CancellationToken token)
    {
        if (outcome.Exception is not null)
        {
            return !token.IsCancellationRequested && outcome.Exception is HttpRequestException or TimeoutRejectedException or OperationCanceledException;
        }

        var status = outcome.Result!.StatusCode;
        return (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
    }

    /// <summary>Mutable per-delivery record the attempt callback fills in.</summary>
    private sealed class AttemptLog
    {
        public int Count { get; set; }

        public int? StatusCode { get; set; }

        public string? Error { get; set; }
    }
}
