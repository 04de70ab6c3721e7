namespace IoTFireAlert.Server.Security;

/// <summary>Middleware after routing: refuses a request whose endpoint carries a <see cref="RoleRequirement"/> the caller does not meet.</summary>
public sealed class RoleGate(RequestDelegate next)
{
    /// <summary>Set once the gate has checked a request; the endpoint filter of <see cref="RoleRequirements.RequireRole{TBuilder}"/> looks for it.</summary>
    internal const string CheckedItem = "role-gate-checked";

    public async Task InvokeAsync(HttpContext http)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<RoleRequirement>() is { } requirement)
        {
            if (requirement.Check(http) is { } refusal)
            {
                await refusal.ExecuteAsync(http).ConfigureAwait(false);
                return;
            }

            http.Items[CheckedItem] = true;
        }

        await next(http).ConfigureAwait(false);
    }
}
