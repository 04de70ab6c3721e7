using Dapper;
using IoTFireAlert.Server.Storage;

namespace IoTFireAlert.Server.Security;

/// <summary>
/// Middleware that writes every state-changing request (anything but GET/HEAD/OPTIONS) to the audit
/// table once it is answered, refused ones included: a wrong key tried a hundred times is worth
/// seeing. Query strings are left out (an OsmAnd tracker may carry its key there).
/// </summary>
public sealed class AuditLog(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext http, SqliteDatabase database, TimeProvider clock)
    {
        await next(http);
        if (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method) || HttpMethods.IsOptions(http.Request.Method))
        {
            return;
        }

        await using var connection = await database.OpenAsync(CancellationToken.None);
        await connection.ExecuteAsync(
            "INSERT INTO audit (at, actor, role, method, path, status, remote) VALUES (@at, @actor, @role, @method, @path, @status, @remote)",
            new
            {
                at = clock.GetUtcNow().ToUnixTimeMilliseconds(),
                actor = http.Items[RoleRequirement.ActorItem] as string ?? "anonymous",
                role = (http.Items[RoleRequirement.RoleItem] as Role?)?.ToString().ToLowerInvariant(),
                method = http.Request.Method,
                path = http.Request.Path.Value ?? "",
                status = http.Response.StatusCode,
                remote = http.Connection.RemoteIpAddress?.ToString(),
            });
    }

    public static async Task<IReadOnlyList<AuditEntry>> ListAsync(SqliteDatabase database, int limit, long? beforeId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<AuditEntry>(new CommandDefinition(
            "SELECT id AS Id, at AS At, actor AS Actor, role AS Role, method AS Method, path AS Path, status AS Status, remote AS Remote " +
            "FROM audit WHERE (@beforeId IS NULL OR id < @beforeId) ORDER BY id DESC LIMIT @limit", new { limit, beforeId }, cancellationToken: cancellationToken));
        return rows.AsList();
    }
}
