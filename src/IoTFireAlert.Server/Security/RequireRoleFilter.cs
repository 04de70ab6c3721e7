namespace IoTFireAlert.Server.Security;

/// <summary>Endpoint filter: 401 without a valid key, 403 with a key whose role is too small. The caller's name lands in HttpContext.Items["actor"].</summary>
public sealed class RequireRoleFilter(Role minimum, bool allowKeyInQuery = false) : IEndpointFilter
{
    public const string ActorItem = "actor";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var authenticator = http.RequestServices.GetRequiredService<ApiKeyAuthenticator>();
        // Trackers that cannot set headers (OsmAnd clients) may put the key in the query string.
        if (authenticator.Authenticate(http.Request, allowKeyInQuery) is not { } caller)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Results.Problem(statusCode: 401, title: "an API key is required (X-Api-Key header or Authorization: Bearer)");
        }

        if (caller.Role < minimum)
        {
            return Results.Problem(statusCode: 403, title: $"the key '{caller.Name}' is a {caller.Role.ToString().ToLowerInvariant()}; this needs {minimum.ToString().ToLowerInvariant()}");
        }

        http.Items[ActorItem] = caller.Name;
        return await next(context).ConfigureAwait(false);
    }
}
