using System.Net;
using System.Net.Http.Headers;

namespace IoTFireAlert.Console.BrowserTests;

/// <summary>How the console's files are served: content types, revalidation, and the security headers.</summary>
public sealed class ConsoleEndpointsTests(SeededConsole console) : IClassFixture<SeededConsole>
{
    [Fact]
    public async Task Root_ServesThePage_WithStrictSecurityHeaders()
    {
        using var client = console.Server.Client();
        using var response = await client.GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var csp = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<script type=\"module\" src=\"/console/app.js\"></script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("app.js", "text/javascript")]
    [InlineData("i18n.js", "text/javascript")]
    [InlineData("console.css", "text/css")]
    [InlineData("favicon.svg", "image/svg+xml")]
    public async Task ConsoleFile_ServedWithItsContentType_AndRevalidatesWith304(string file, string mediaType)
    {
        using var client = console.Server.Client();
        using var first = await client.GetAsync(new Uri($"/console/{file}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(mediaType, first.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", Assert.Single(first.Headers.GetValues("X-Content-Type-Options")));
        Assert.True(first.Headers.CacheControl?.NoCache, "console files must be revalidated so an update reaches the room");
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        Assert.False(etag.IsWeak);

        using var again = new HttpRequestMessage(HttpMethod.Get, new Uri($"/console/{file}", UriKind.Relative));
        again.Headers.IfNoneMatch.Add(etag);
        using var second = await client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);

        using var stale = new HttpRequestMessage(HttpMethod.Get, new Uri($"/console/{file}", UriKind.Relative));
        stale.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"0000\""));
        using var third = await client.SendAsync(stale);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
    }

    [Theory]
    [InlineData("/console/nope.js")]
    [InlineData("/console/..%2Fappsettings.json")]
    [InlineData("/console/IoTFireAlert.Server.Storage.Schema.sql")]
    public async Task UnknownConsoleFile_Is404(string path)
    {
        using var client = console.Server.Client();
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
