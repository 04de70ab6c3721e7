using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace IoTFireAlert.Dispatch.Webhooks;

/// <summary>
/// The webhook signature: <c>X-IoTFire-Signature: sha256=hex(HMAC-SHA256(secret, "{timestamp}.{body}"))</c>
/// with <c>X-IoTFire-Timestamp</c> in unix seconds. Covering the timestamp lets a receiver reject
/// replays older than its tolerance. See docs/webhooks.md.
/// </summary>
public static class WebhookSignature
{
    public const string TimestampHeader = "X-IoTFire-Timestamp";
    public const string SignatureHeader = "X-IoTFire-Signature";
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    private const string Prefix = "sha256=";

    /// <summary>The header value for a body sent at <paramref name="timestamp"/> (unix seconds).</summary>
    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        Span<byte> mac = stackalloc byte[32];
        Compute(secret, timestamp, body, mac);
        return Prefix + Convert.ToHexStringLower(mac);
    }

    /// <summary>
    /// True when <paramref name="signatureHeader"/> is the signature of <paramref name="body"/> at
    /// <paramref name="timestampHeader"/> and that timestamp is within <paramref name="tolerance"/>
    /// of <paramref name="now"/> (the system clock when null). Compares in constant time.
    /// </summary>
    public static bool Verify(string secret, string? timestampHeader, ReadOnlySpan<byte> body, string? signatureHeader, TimeSpan tolerance, DateTimeOffset? now = null)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (timestampHeader is null || signatureHeader is null
            || !long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp)
            || !signatureHeader.StartsWith(Prefix, StringComparison.Ordinal)
            || signatureHeader.Length != Prefix.Length + 64)
        {
            return false;
        }

        var current = (now ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        if (Math.Abs(current - timestamp) > (long)tolerance.TotalSeconds)
        {
            return false;
        }

        Span<byte> given = stackalloc byte[32];
        if (Convert.FromHexString(signatureHeader.AsSpan(Prefix.Length), given, out _, out var written) != System.Buffers.OperationStatus.Done || written != 32)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[32];
        Compute(secret, timestamp, body, expected);
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }

    private static void Compute(string secret, long timestamp, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        Span<byte> prefix = stackalloc byte[24];
        timestamp.TryFormat(prefix, out var n, provider: CultureInfo.InvariantCulture);
        prefix[n++] = (byte)'.';
        hmac.AppendData(prefix[..n]);
        hmac.AppendData(body);
        hmac.GetHashAndReset(destination);
    }
}
