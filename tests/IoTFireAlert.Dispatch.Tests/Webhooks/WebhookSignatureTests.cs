using System.Text;
using IoTFireAlert.Dispatch.Webhooks;

namespace IoTFireAlert.Dispatch.Tests.Webhooks;

public sealed class WebhookSignatureTests
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"alarm":"A1"}""");
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    [Fact]
    public void Sign_KnownVector_MatchesOpenssl()
    {
        // printf '1700000000.{"alarm":"A1"}' | openssl dgst -sha256 -hmac 's3cret'
        Assert.Equal("sha256=78244432e39908b6617af71e4eb81e3499bddd65295a55fc308e3b221e5bffeb", WebhookSignature.Sign("s3cret", 1_700_000_000, Body));
    }

    [Fact]
    public void Verify_OwnSignatureWithinTolerance_True()
    {
        var header = WebhookSignature.Sign("s3cret", 1_700_000_000, Body);

        Assert.True(WebhookSignature.Verify("s3cret", "1700000000", Body, header, TimeSpan.FromMinutes(5), At.AddMinutes(4)));
    }

    [Fact]
    public void Verify_TamperedOrReplayedOrForeign_False()
    {
        var header = WebhookSignature.Sign("s3cret", 1_700_000_000, Body);
        var tolerance = TimeSpan.FromMinutes(5);

        Assert.False(WebhookSignature.Verify("s3cret", "1700000000", Encoding.UTF8.GetBytes("""{"alarm":"A2"}"""), header, tolerance, At));
        Assert.False(WebhookSignature.Verify("other", "1700000000", Body, header, tolerance, At));
        Assert.False(WebhookSignature.Verify("s3cret", "1700000001", Body, header, tolerance, At));
        Assert.False(WebhookSignature.Verify("s3cret", "1700000000", Body, header, tolerance, At.AddMinutes(6)));
        Assert.False(WebhookSignature.Verify("s3cret", "1700000000", Body, header, tolerance, At.AddMinutes(-6)));
        Assert.False(WebhookSignature.Verify("s3cret", "1700000000", Body, header.ToUpperInvariant(), tolerance, At));
        Assert.False(WebhookSignature.Verify("s3cret", "1700000000", Body, header[..^1] + "z", tolerance, At));
        Assert.False(WebhookSignature.Verify("s3cret", "1700000000", Body, "sha256=abc", tolerance, At));
        Assert.False(WebhookSignature.Verify("s3cret", null, Body, header, tolerance, At));
        Assert.False(WebhookSignature.Verify("s3cret", "-5", Body, header, tolerance, At));
    }
}
