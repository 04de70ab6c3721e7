using Microsoft.AspNetCore.Identity;

namespace IoTFireAlert.Server.Security;

/// <summary>PBKDF2 password hashes via ASP.NET Core's <see cref="PasswordHasher{TUser}"/> (format v3: HMAC-SHA512, salted, iterated).</summary>
public static class PasswordHashes
{
    private static readonly PasswordHasher<string> Hasher = new();

    public static string Hash(string password) => Hasher.HashPassword("", password);

    public static bool Verify(string hash, string password)
    {
        try
        {
            return Hasher.VerifyHashedPassword("", hash, password) != PasswordVerificationResult.Failed;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>A v3 hash is base64 of at least 61 bytes starting with the format marker 0x01.</summary>
    public static bool LooksValid(string hash)
    {
        var bytes = new byte[hash.Length];
        return Convert.TryFromBase64String(hash, bytes, out var length) && length >= 61 && bytes[0] == 0x01;
    }
}
