namespace IoTFireAlert.Server.Security;

public static class RoleRequirements
{
    /// <summary>
    /// Marks the endpoint for <see cref="RoleGate"/>. Should an application forget the gate, an endpoint
    /// filter makes the same check (after the body is bound): a forgotten middleware never opens a door.
    /// </summary>
    public static TBuilder RequireRole<TBuilder>(this TBuilder builder, Role minimum, bool allowKeyInQuery = false)
        where TBuilder : IEndpointConventionBuilder
    {
        var requirement = new RoleRequirement(minimum, allowKeyInQuery);
        builder.WithMetadata(requirement);
        builder.AddEndpointFilter(async (context, next) =>
            context.HttpContext.Items.ContainsKey(RoleGate.CheckedItem) || requirement.Check(context.HttpContext) is not { } refusal
                ? await next(context).ConfigureAwait(false)
                : refusal);
        return builder;
    }
}
