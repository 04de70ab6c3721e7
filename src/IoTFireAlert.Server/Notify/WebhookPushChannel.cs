using System.Text;
using IoTFireAlert.Dispatch.Webhooks;
using IoTFireAlert.Server.Responders;

namespace IoTFireAlert.Server.Notify;

/// <summary>
/// Delivers a push as a signed webhook (HMAC-SHA256 over timestamp and body, Idempotency-Key = the
/// outbox key). A few quick retries happen inside one attempt; longer outages are the outbox's
/// back-off, which survives restarts.
/// </summary>
public sealed class WebhookPushChannel(HttpClient http, DispatchSettings settings) : IPushChannel
{
    private readonly WebhookSender _sender = new(http, new WebhookOptions { MaxAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(200), AttemptTimeout = TimeSpan.FromSeconds(4) });

    public string Name => "webhook";

    public async Task<string?> DeliverAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        var target = settings.Webhooks.FirstOrDefault(w => w.Name == entry.Target);
        if (target is null)
        {
            return $"no webhook named '{entry.Target}' is configured";
        }

        var result = await _sender.DeliverAsync(new WebhookEndpoint(new Uri(target.Url), target.Secret), entry.IdempotencyKey, Encoding.UTF8.GetBytes(entry.Body), cancellationToken).ConfigureAwait(false);
        return result.Delivered ? null : $"{(result.LastStatusCode is { } code ? $"HTTP {code}: " : "")}{result.LastError}";
    }
}
