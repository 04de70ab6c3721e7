using Microsoft.Net.Http.Headers;

namespace IoTFireAlert.Server.Api;

/// <summary>
/// GET / (the dispatch console) and GET /console/{file} (its scripts and styles), from embedded
/// resources. Every response carries a strict Content-Security-Policy: scripts and styles only from
/// this server, no inline script, no framing (the console can acknowledge alarms, so it must not be
/// clickjacked), and no connection anywhere but back here.
/// </summary>
public static class ConsoleEndpoints
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "font-src 'self'; media-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static void Map(WebApplication app)
    {
        var assets = ConsoleAssets.Load(typeof(ConsoleEndpoints).Assembly);
        app.MapGet("/", (HttpContext http) => Serve(http, assets, "index.html"));
        app.MapGet("/console/{file}", (HttpContext http, string file) => Serve(http, assets, file));
    }

    private static IResult Serve(HttpContext http, ConsoleAssets assets, string name)
    {
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        if (!assets.TryGet(name, out var asset))
        {
            return Results.Problem(statusCode: 404, title: $"no console file '{name}'");
        }

        // Revalidate every time: after a server update the room sees the new console at the next
        // reload, and an unchanged file costs only a 304.
        headers.CacheControl = "no-cache";
        headers.ETag = asset.ETag;
        var ifNoneMatch = http.Request.Headers.IfNoneMatch;
        if (ifNoneMatch.Count > 0 && EntityTagHeaderValue.TryParseList(ifNoneMatch, out var tags)
            && tags.Any(t => t.Tag.Equals(asset.ETag, StringComparison.Ordinal) || t.Tag.Equals("*", StringComparison.Ordinal)))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(asset.Bytes, asset.ContentType);
    }
}
