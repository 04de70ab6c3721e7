using System.Threading.RateLimiting;
using IoTFireAlert.Server.Security;
using IoTFireAlert.Server.Storage;

namespace IoTFireAlert.Server.Api;

/// <summary>POST /api/login and /api/logout (cookie sessions for the console), GET /api/me, GET /api/session, GET /api/audit (administrators).</summary>
public static class SecurityEndpoints
{
    public const string LoginPolicy = "login";

    public sealed record LoginRequest(string? Name, string? Password);

    /// <summary>Login attempts are limited per client address (ASP.NET Core's rate limiter): guessing is slow.</summary>
    public static void AddRateLimits(IServiceCollection services, SecurityOptions options)
    {
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(LoginPolicy, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = options.LoginAttemptsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });
    }

    public static void Map(WebApplication app)
    {
        app.MapPost("/api/login", (LoginRequest body, HttpContext http, LoginSessions sessions) =>
        {
            if (sessions.Login(body.Name ?? "", body.Password ?? "", out var token) is not { } user)
            {
                return Results.Problem(statusCode: 401, title: "wrong name or password");
            }

            http.Items[RoleRequirement.ActorItem] = user.Name;
            http.Items[RoleRequirement.RoleItem] = user.Role;
            http.Response.Cookies.Append(LoginSessions.CookieName, token!, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = http.Request.IsHttps,
                Path = "/",
            });
            return Results.Ok(new { name = user.Name, role = user.Role.ToString().ToLowerInvariant() });
        }).RequireRateLimiting(LoginPolicy);

        app.MapPost("/api/logout", (HttpContext http, LoginSessions sessions) =>
        {
            sessions.Logout(http.Request.Cookies[LoginSessions.CookieName]);
            http.Response.Cookies.Delete(LoginSessions.CookieName);
            return Results.Ok();
        });

        app.MapGet("/api/me", (HttpContext http) =>
            Results.Ok(new { name = http.Items[RoleRequirement.ActorItem], role = (http.Items[RoleRequirement.RoleItem] as Role?)?.ToString().ToLowerInvariant() }))
            .RequireRole(Role.Viewer);

        // The console asks on load whether its HttpOnly cookie still holds a session; "nobody" is an answer, not an error.
        app.MapGet("/api/session", (HttpContext http, LoginSessions sessions) =>
            sessions.Authenticate(http.Request.Cookies[LoginSessions.CookieName]) is { } user
                ? Results.Ok(new { name = user.Name, role = user.Role.ToString().ToLowerInvariant() })
                : Results.Ok(new { name = (string?)null, role = (string?)null }));

        app.MapGet("/api/audit", async (SqliteDatabase database, int? limit, long? before, CancellationToken ct) =>
            Results.Ok(await AuditLog.ListAsync(database, Math.Clamp(limit ?? 200, 1, 5000), before, ct)))
            .RequireRole(Role.Administrator);
    }
}
