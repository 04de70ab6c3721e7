using System.Text;
using IoTFireAlert.Dispatch.Webhooks;

namespace IoTFireAlert.Dispatch.Tests.Webhooks;

[Collection(WebhookCollection.Name)]
public sealed class WebhookSenderTests : IAsyncLifetime
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"alarmId":"A1","type":"SmokeAlarm","severity":"Critical"}""");
    private readonly WebhookReceiver _receiver = new("s3cret");
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };

    private static WebhookOptions Fast => new()
    {
        MaxAttempts = 5,
        BaseDelay = TimeSpan.FromMilliseconds(10),
        MaxDelay = TimeSpan.FromMilliseconds(50),
        AttemptTimeout = TimeSpan.FromSeconds(10),
    };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task Deliver_FailsThenHangsThenSucceeds_DeliveredOncePerKey()
    {
        _receiver.Script("/hook", "500", "hang", "200");
        var sender = new WebhookSender(_http, Fast with { AttemptTimeout = TimeSpan.FromSeconds(2) });

        var result = await sender.DeliverAsync(_receiver.Endpoint("/hook"), "alarm-A1-v1", Body);

        Assert.True(result.Delivered, result.LastError);
        Assert.Equal(3, result.Attempts);
        Assert.Equal(200, result.LastStatusCode);
        Assert.Equal(3, _receiver.Requests.Count);
        Assert.All(_receiver.Requests, r => Assert.True(r.SignatureValid));
        Assert.All(_receiver.Requests, r => Assert.Equal("alarm-A1-v1", r.Key));
        Assert.Equal(Encoding.UTF8.GetString(Body), _receiver.Requests.Last().Body);

        // The outbox re-sends after a restart: accepted again, processed once.
        var again = await sender.DeliverAsync(_receiver.Endpoint("/hook"), "alarm-A1-v1", Body);

        Assert.True(again.Delivered);
        Assert.Equal(2, _receiver.Accepted["alarm-A1-v1"]);
        Assert.Equal(1, _receiver.Processed["alarm-A1-v1"]);
        Assert.Single(_receiver.Processed);
    }

    [Fact]
    public async Task Deliver_ClientError_FailsWithoutRetry()
    {
        _receiver.Script("/hook", "400");
        var sender = new WebhookSender(_http, Fast);

        var result = await sender.DeliverAsync(_receiver.Endpoint("/hook"), "k-400", Body);

        Assert.False(result.Delivered);
        Assert.Equal(1, result.Attempts);
        Assert.Equal(400, result.LastStatusCode);
        Assert.Contains("400", result.LastError, StringComparison.Ordinal);
        Assert.Empty(_receiver.Processed);
    }

    [Fact]
    public async Task Deliver_WrongSecret_ReceiverRejectsAsFailure()
    {
        var sender = new WebhookSender(_http, Fast);

        var result = await sender.DeliverAsync(_receiver.Endpoint("/hook") with { Secret = "wrong" }, "k-bad-sig", Body);

        Assert.False(result.Delivered);
        Assert.Equal(401, result.LastStatusCode);
        Assert.All(_receiver.Requests, r => Assert.False(r.SignatureValid));
    }

    [Fact]
    public async Task Deliver_ServerErrorEveryTime_GivesUpAfterMaxAttempts()
    {
        _receiver.Script("/hook", "500", "503", "500", "502", "500", "500");
        var sender = new WebhookSender(_http, Fast);

        var result = await sender.DeliverAsync(_receiver.Endpoint("/hook"), "k-500", Body);

        Assert.False(result.Delivered);
        Assert.Equal(5, result.Attempts);
        Assert.Equal(5, _receiver.Requests.Count);
        Assert.Equal(500, result.LastStatusCode);
        Assert.Contains("HTTP 500", result.LastError, StringComparison.Ordinal);
        Assert.Empty(_receiver.Processed);
    }

    [Fact]
    public async Task Deliver_NobodyListening_FailsWithNetworkError()
    {
        var sender = new WebhookSender(_http, Fast with { MaxAttempts = 2 });
        var closed = new WebhookEndpoint(new Uri($"http://127.0.0.1:{IoTFireAlert.TestSupport.FreePort.Next()}/hook"), "s3cret");

        var result = await sender.DeliverAsync(closed, "k-refused", Body);

        Assert.False(result.Delivered);
        Assert.Equal(2, result.Attempts);
        Assert.Null(result.LastStatusCode);
        Assert.Contains("HttpRequestException", result.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deliver_HangingTarget_DoesNotDelayAnotherDelivery()
    {
        _receiver.Script("/slow", "hang", "hang");
        var sender = new WebhookSender(_http, Fast with { AttemptTimeout = TimeSpan.FromMinutes(2) });
        using var cancelHanging = new CancellationTokenSource();

        var hanging = sender.DeliverAsync(_receiver.Endpoint("/slow"), "k-slow", Body, cancelHanging.Token);
        while (!_receiver.Requests.Any(r => r.Path == "/slow"))
        {
            await Task.Delay(10);
        }

        var other = await sender.DeliverAsync(_receiver.Endpoint("/fast"), "k-fast", Body);

        Assert.True(other.Delivered);
        Assert.False(hanging.IsCompleted);
        await cancelHanging.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => hanging);
    }
}
