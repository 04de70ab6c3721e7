using IoTFireAlert.Ingestion.Readings;
using IoTFireAlert.Telemetry.LineProtocol;

namespace IoTFireAlert.Telemetry.Points;

/// <summary>
/// A device's tags, filled once from the registry and reused for every point: device id, kind,
/// vendor, site, grid. Only these low-cardinality facts are tags; addresses, sequence numbers and
/// values are fields or left out (see docs/telemetry-schema.md). The escaped series key is built
/// here, so a bad tag (a newline, say) fails at registration, not on the hot path.
/// </summary>
public sealed class DeviceTags
{
    private SeriesKey? _series;

    public DeviceTags(string deviceId, DeviceKind kind, string vendor, string? site = null, string? grid = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(deviceId);
        DeviceId = deviceId;
        Kind = kind;
        Vendor = vendor ?? "";
        Site = site ?? "";
        Grid = grid ?? "";
        Measurement = PointNames.Measurement(kind);
        // Built here once so a bad tag fails at registration, then dropped: only a line-protocol
        // sink needs the bytes (~180 B a device), and it builds them again on first use.
        CreateSeries();
    }

    public string DeviceId { get; }

    public DeviceKind Kind { get; }

    public string Vendor { get; }

    /// <summary>Site (community, building complex); empty when unknown (the tag is then omitted).</summary>
    public string Site { get; }

    /// <summary>Grid cell of the community's grid management; empty when unknown.</summary>
    public string Grid { get; }

    /// <summary>The measurement the kind maps to, also the <c>kind</c> tag's value.</summary>
    public string Measurement { get; }

    /// <summary>Measurement and tags, escaped and sorted; built on first use (a benign race builds equal keys).</summary>
    public SeriesKey Series => _series ??= CreateSeries();

    private SeriesKey CreateSeries() => SeriesKey.Create(
        Measurement,
        new("device_id", DeviceId),
        new("grid", Grid),
        new("kind", Measurement),
        new("site", Site),
        new("vendor", Vendor));
}
