using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace IoTFireAlert.Server.Security;

/// <summary>
/// Console logins: a random 256-bit token in an HttpOnly, SameSite=Strict cookie, kept in memory
/// only as its SHA-256 (a memory dump does not give away live sessions). Sessions end on logout,
/// after <see cref="SecurityOptions.SessionMinutes"/> idle, or with the process.
/// </summary>
public sealed class LoginSessions(SecurityOptions options, TimeProvider clock)
{
    public const string CookieName = "iotfire_session";

    private readonly ConcurrentDictionary<string, (string Name, Role Role, DateTimeOffset Expires)> _sessions = new(StringComparer.Ordinal);

    public (string Name, Role Role)? Login(string name, string password, out string? token)
    {
        token = null;
        var user = options.Users.FirstOrDefault(u => string.Equals(u.Name, name, StringComparison.Ordinal));
        // Verify against a dummy hash for unknown users, so timing does not tell which names exist.
        var hash = user?.PasswordHash ?? DummyHash;
        if (!PasswordHashes.Verify(hash, password) || user is null)
        {
            return null;
        }

        token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var role = Enum.Parse<Role>(user.Role, ignoreCase: true);
        _sessions[Digest(token)] = (user.Name, role, clock.GetUtcNow().AddMinutes(options.SessionMinutes));
        return (user.Name, role);
    }

    public (string Name, Role Role)? Authenticate(string? token)
    {
        if (string.IsNullOrEmpty(token) || !_sessions.TryGetValue(Digest(token), out var session))
        {
            return null;
        }

        var now = clock.GetUtcNow();
        if (session.Expires < now)
        {
            _sessions.TryRemove(Digest(token), out _);
            return null;
        }

        _sessions[Digest(token)] = session with { Expires = now.AddMinutes(options.SessionMinutes) };
        return (session.Name, session.Role);
    }

    public void Logout(string? token)
    {
        if (!string.IsNullOrEmpty(token))
        {
            _sessions.TryRemove(Digest(token), out _);
        }
    }

    private static readonly string DummyHash = PasswordHashes.Hash(Guid.NewGuid().ToString());

    private static string Digest(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
