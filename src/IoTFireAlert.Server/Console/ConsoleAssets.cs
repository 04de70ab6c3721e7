using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;

namespace IoTFireAlert.Server.Api;

/// <summary>
/// The console's files, embedded in the server assembly (the center's network is closed: the page
/// needs nothing from outside). Read once at start, each with its content type and a strong ETag
/// (SHA-256 of the bytes), so a browser revalidates with a 304 instead of downloading again.
/// </summary>
public sealed class ConsoleAssets
{
    public const string ResourcePrefix = "IoTFireAlert.Server.Console.";

    private readonly FrozenDictionary<string, ConsoleAsset> _files;

    private ConsoleAssets(FrozenDictionary<string, ConsoleAsset> files)
    {
        _files = files;
    }

    public IEnumerable<string> Names => _files.Keys;

    public static ConsoleAssets Load(Assembly assembly)
    {
        var files = new Dictionary<string, ConsoleAsset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var name = resource[ResourcePrefix.Length..];
            if (ContentTypeOf(name) is not { } contentType)
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 16)) + "\"";
            files[name] = new ConsoleAsset(name, contentType, bytes, etag);
        }

        return new ConsoleAssets(files.ToFrozenDictionary(StringComparer.Ordinal));
    }

    public bool TryGet(string name, out ConsoleAsset asset) => _files.TryGetValue(name, out asset!);

    /// <summary>Only the kinds of file the console is made of; anything else is not served.</summary>
    public static string? ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".json" => "application/json; charset=utf-8",
        ".png" => "image/png",
        ".ico" => "image/x-icon",
        _ => null,
    };
}
