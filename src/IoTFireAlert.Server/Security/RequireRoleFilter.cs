namespace IoTFireAlert.Server.Security;

/// <summary>Endpoint filter: 401 without a valid key or login session, 403 with a key whose role is too small. The caller's name lands in HttpContext.Items["actor"].</summary>
public sealed class RequireRoleFilter(Role minimum, bool allowKeyInQuery = false) : IEndpointFilter
{
    public const string ActorItem = "actor";
    public const string RoleItem = "role";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var authenticator = http.RequestServices.GetRequiredService<ApiKeyAuthenticator>();
        // Trackers that cannot set headers (OsmAnd clients) may put the key in the query string.
        var caller = authenticator.Authenticate(http.Request, allowKeyInQuery)
            ?? http.RequestServices.GetRequiredService<LoginSessions>().Authenticate(http.Request.Cookies[LoginSessions.CookieName]);
        if (caller is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Results.Problem(statusCode: 401, title: "an API key is required (X-Api-Key header or Authorization: Bearer)");
        }

        http.Items[ActorItem] = caller.Value.Name;
        http.Items[RoleItem] = caller.Value.Role;
        if (caller.Value.Role < minimum)
        {
            return Results.Problem(statusCode: 403, title: $"'{caller.Value.Name}' is a {caller.Value.Role.ToString().ToLowerInvariant()}; this needs {minimum.ToString().ToLowerInvariant()}");
        }

        return await next(context).ConfigureAwait(false);
    }
}
