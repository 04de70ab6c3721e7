using IoTFireAlert.Ingestion.Readings;

namespace IoTFireAlert.Server.Devices;

/// <summary>A registered device as stored and as the HTTP API shows it.</summary>
public sealed record DeviceRecord
{
    public required string Id { get; init; }
    public required DeviceKind Kind { get; init; }
    public required string Vendor { get; init; }
    public string? Name { get; init; }
    public string? Site { get; init; }
    public string? Address { get; init; }
    public string? Building { get; init; }
    public string? Floor { get; init; }
    /// <summary>The community grid cell whose grid member answers for this device.</summary>
    public string? Grid { get; init; }
    public double? Lat { get; init; }
    public double? Lon { get; init; }
    public string? Contacts { get; init; }
    public int HeartbeatSeconds { get; init; } = 3600;
    public string? InstalledOn { get; init; }

    /// <summary>Checks one record; returns the reason it is unusable, or null.</summary>
    public string? Validate()
    {
        if (string.IsNullOrWhiteSpace(Id) || Id.Length > 128 || Id.Contains('/', StringComparison.Ordinal) || Id.Contains('+', StringComparison.Ordinal) || Id.Contains('#', StringComparison.Ordinal))
        {
            return "id must be 1-128 characters without '/', '+' or '#' (it is a topic level)";
        }

        if (Kind == DeviceKind.Unknown || !Enum.IsDefined(Kind))
        {
            return $"kind must be one of {string.Join(", ", Enum.GetNames<DeviceKind>().Skip(1))}";
        }

        if (string.IsNullOrWhiteSpace(Vendor) || Vendor.Contains('/', StringComparison.Ordinal))
        {
            return "vendor is required and may not contain '/'";
        }

        if (Lat is { } lat && (double.IsNaN(lat) || lat < -90 || lat > 90))
        {
            return "lat must be within -90..90";
        }

        if (Lon is { } lon && (double.IsNaN(lon) || lon < -180 || lon > 180))
        {
            return "lon must be within -180..180";
        }

        if (HeartbeatSeconds is < 10 or > 7 * 86400)
        {
            return "heartbeatSeconds must be within 10..604800";
        }

        return null;
    }
}
