using System.Globalization;
using System.Text.Json;
using IoTFireAlert.Ingestion.Decoders;
using IoTFireAlert.Ingestion.Readings;
using IoTFireAlert.Simulator.Devices;

namespace IoTFireAlert.Simulator.Payloads;

/// <summary>
/// Which payload format each vendor speaks, read from the server's own config/decoders.json so the
/// simulator sends every vendor what the server will decode for it.
/// </summary>
public sealed class VendorFormats
{
    private readonly Dictionary<string, PayloadFormat> _byVendor;

    public VendorFormats(IReadOnlyDictionary<string, PayloadFormat> byVendor)
    {
        _byVendor = new Dictionary<string, PayloadFormat>(byVendor, StringComparer.Ordinal);
    }

    public static VendorFormats Load(string decodersJsonPath)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(decodersJsonPath), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var byVendor = new Dictionary<string, PayloadFormat>(StringComparer.Ordinal);
        foreach (var vendor in document.RootElement.GetProperty("vendors").EnumerateObject())
        {
            byVendor[vendor.Name] = vendor.Value.GetString() switch
            {
                CanonicalJsonDecoder.FormatName => PayloadFormat.CanonicalJson,
                TlvDecoder.FormatName => PayloadFormat.Tlv,
                Gbt26875Decoder.FormatName => PayloadFormat.Gbt26875,
                var other => throw new FormatException($"{decodersJsonPath}: vendor '{vendor.Name}' uses format '{other}', which the simulator cannot write"),
            };
        }

        return new VendorFormats(byVendor);
    }

    public IReadOnlyCollection<string> Vendors => _byVendor.Keys;

    public PayloadFormat FormatOf(string vendor) =>
        _byVendor.TryGetValue(vendor, out var format) ? format : throw new FormatException($"vendor '{vendor}' has no decoder in config/decoders.json; the server would refuse its messages");

    /// <summary>The first vendor speaking <paramref name="format"/>, for generated devices.</summary>
    public string? VendorFor(PayloadFormat format) => _byVendor.Where(v => v.Value == format).Select(v => v.Key).Order(StringComparer.Ordinal).FirstOrDefault();

    /// <summary>
    /// Fills in where the device publishes: a GB/T component id <c>{transmissionDevice}-{address}</c>
    /// publishes under its transmission device and is named in the frame by the numeric address.
    /// </summary>
    public SimulatedDevice Bind(SimulatedDevice device)
    {
        if (FormatOf(device.Vendor) != PayloadFormat.Gbt26875)
        {
            return device;
        }

        var dash = device.Id.LastIndexOf('-');
        if (dash <= 0 || !uint.TryParse(device.Id.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var address))
        {
            throw new FormatException($"device '{device.Id}' of GB/T vendor '{device.Vendor}' must be named {{transmissionDevice}}-{{componentAddress}}, e.g. uitd-001-1001");
        }

        if (address.ToString(CultureInfo.InvariantCulture) != device.Id[(dash + 1)..])
        {
            // The decoder names the component by its decimal address: "0101" would come back as "101".
            throw new FormatException($"device '{device.Id}': the component address must be written without leading zeros");
        }

        if (device.Kind == DeviceKind.ChargingPile)
        {
            throw new FormatException($"device '{device.Id}': GB/T 26875.3 has no charging-pile component type");
        }

        return device with { TopicDevice = device.Id[..dash], ComponentAddress = address };
    }
}
