using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace IoTFireAlert.Ingestion.Decoders;

/// <summary>
/// Maps the <c>{vendor}</c> topic level to its payload decoder (config/decoders.json:
/// <c>{"vendors":{"acme":"canonical-json"}}</c>). Lookup takes the vendor as a span sliced from
/// the topic and allocates nothing. Adding a vendor with a known format is one config line;
/// a new format is one <see cref="IPayloadDecoder"/> class passed to <see cref="Load"/>.
/// </summary>
public sealed class DecoderRegistry
{
    private readonly Dictionary<string, IPayloadDecoder> _byVendor;
    private readonly Dictionary<string, IPayloadDecoder>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public DecoderRegistry(IReadOnlyDictionary<string, IPayloadDecoder> byVendor)
    {
        _byVendor = new Dictionary<string, IPayloadDecoder>(byVendor, StringComparer.Ordinal);
        _lookup = _byVendor.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The formats this assembly ships, one shared instance each.</summary>
    public static IReadOnlyList<IPayloadDecoder> BuiltInFormats { get; } =
        [new CanonicalJsonDecoder(), new TlvDecoder(), new Gbt26875Decoder()];

    public IReadOnlyCollection<string> Vendors => _byVendor.Keys;

    /// <summary>Parses the vendor map; <paramref name="extraFormats"/> adds (or replaces) formats by name.</summary>
    public static DecoderRegistry Load(string jsonText, IEnumerable<IPayloadDecoder>? extraFormats = null)
    {
        var formats = BuiltInFormats.ToDictionary(d => d.Format, StringComparer.Ordinal);
        foreach (var extra in extraFormats ?? [])
        {
            formats[extra.Format] = extra;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(jsonText, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new DecoderConfigException($"decoders: not valid JSON: {ex.Message}", ex);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("vendors", out var vendors)
                || vendors.ValueKind != JsonValueKind.Object)
            {
                throw new DecoderConfigException("decoders: expected {\"vendors\":{\"<vendor>\":\"<format>\"}}");
            }

            var byVendor = new Dictionary<string, IPayloadDecoder>(StringComparer.Ordinal);
            foreach (var vendor in vendors.EnumerateObject())
            {
                if (vendor.Name.Length == 0 || vendor.Name.AsSpan().IndexOfAny("/+#") >= 0)
                {
                    throw new DecoderConfigException($"decoders: vendor \"{vendor.Name}\" is not a valid MQTT topic level");
                }

                if (vendor.Value.ValueKind != JsonValueKind.String)
                {
                    throw new DecoderConfigException($"decoders: vendors.{vendor.Name} must be a format name string");
                }

                var format = vendor.Value.GetString()!;
                if (!formats.TryGetValue(format, out var decoder))
                {
                    throw new DecoderConfigException($"decoders: vendors.{vendor.Name} names unknown format \"{format}\"; known: {string.Join(", ", formats.Keys.Order(StringComparer.Ordinal))}");
                }

                byVendor[vendor.Name] = decoder;
            }

            return new DecoderRegistry(byVendor);
        }
    }

    /// <summary>The decoder for <paramref name="vendor"/> (case-sensitive, as MQTT topics are).</summary>
    public bool TryGet(ReadOnlySpan<char> vendor, [NotNullWhen(true)] out IPayloadDecoder? decoder) =>
        _lookup.TryGetValue(vendor, out decoder);
}
