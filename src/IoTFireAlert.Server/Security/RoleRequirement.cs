namespace IoTFireAlert.Server.Security;

/// <summary>
/// Endpoint metadata: the smallest role that may call the endpoint. <see cref="RoleGate"/> checks it
/// before the endpoint runs, so a caller without a key gets 401 before its body is even read (a
/// malformed body must not answer 400 to a stranger). The caller's name lands in
/// HttpContext.Items["actor"], its role in Items["role"].
/// </summary>
public sealed record RoleRequirement(Role Minimum, bool AllowKeyInQuery = false)
{
    public const string ActorItem = "actor";
    public const string RoleItem = "role";

    /// <summary>The named person acting: the one the request body names, vouched for by the key or login that sent it.</summary>
    public static string Actor(HttpContext http, string? by)
    {
        var caller = http.Items[ActorItem] as string ?? "unknown";
        return string.IsNullOrWhiteSpace(by) ? caller : $"{by.Trim()} (via {caller})";
    }

    /// <summary>Null when the caller may go on; otherwise the 401 or 403 to answer.</summary>
    public IResult? Check(HttpContext http)
    {
        var authenticator = http.RequestServices.GetRequiredService<ApiKeyAuthenticator>();
        // Trackers that cannot set headers (OsmAnd clients) may put the key in the query string.
        var caller = authenticator.Authenticate(http.Request, AllowKeyInQuery)
            ?? http.RequestServices.GetRequiredService<LoginSessions>().Authenticate(http.Request.Cookies[LoginSessions.CookieName]);
        if (caller is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Results.Problem(statusCode: 401, title: "an API key is required (X-Api-Key header or Authorization: Bearer)");
        }

        http.Items[ActorItem] = caller.Value.Name;
        http.Items[RoleItem] = caller.Value.Role;
        return caller.Value.Role < Minimum
            ? Results.Problem(statusCode: 403, title: $"'{caller.Value.Name}' is a {caller.Value.Role.ToString().ToLowerInvariant()}; this needs {Minimum.ToString().ToLowerInvariant()}")
            : null;
    }
}
