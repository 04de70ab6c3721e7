using System.Security.Cryptography;
using System.Text;

namespace IoTFireAlert.Server.Security;

/// <summary>
/// Checks the key a request presents (<c>X-Api-Key</c> or <c>Authorization: Bearer</c>).
/// Keys are compared as SHA-256 digests in constant time, so neither timing nor length leaks them.
/// </summary>
public sealed class ApiKeyAuthenticator
{
    private readonly (byte[] Digest, string Name, Role Role)[] _keys;

    public ApiKeyAuthenticator(SecurityOptions options)
    {
        _keys = options.ApiKeys
            .Where(k => !string.IsNullOrEmpty(k.Key))
            .Select(k => (SHA256.HashData(Encoding.UTF8.GetBytes(k.Key)), k.Name, Enum.Parse<Role>(k.Role, ignoreCase: true)))
            .ToArray();
    }

    public (string Name, Role Role)? Authenticate(HttpRequest request, bool allowKeyInQuery = false)
    {
        var presented = request.Headers["X-Api-Key"].ToString();
        if (string.IsNullOrEmpty(presented) && allowKeyInQuery)
        {
            presented = request.Query["key"].ToString();
        }

        if (string.IsNullOrEmpty(presented))
        {
            var authorization = request.Headers.Authorization.ToString();
            if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                presented = authorization["Bearer ".Length..].Trim();
            }
        }

        if (string.IsNullOrEmpty(presented))
        {
            return null;
        }

        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        (string, Role)? found = null;
        foreach (var key in _keys)
        {
            // No early exit: every key is compared, so the time taken says nothing about which matched.
            if (CryptographicOperations.FixedTimeEquals(digest, key.Digest))
            {
                found = (key.Name, key.Role);
            }
        }

        return found;
    }
}
