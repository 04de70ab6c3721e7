using IoTFireAlert.Ingestion.Alarms;

namespace IoTFireAlert.Server.Hazards;

/// <summary>An inspector's finding on foot: POST /api/workorders.</summary>
public sealed record ManualFinding
{
    public string? Site { get; init; }
    public string? DeviceId { get; init; }
    /// <summary>A category (e.g. BlockedExit, UnsafeCharging, or an alarm type name); defaults to InspectionFinding.</summary>
    public string? Hazard { get; init; }
    /// <summary>Warning, Minor or Major; defaults to Minor.</summary>
    public string? Severity { get; init; }
    public string? Grid { get; init; }
    /// <summary>A reference to the photo taken on site (object-store key or URL).</summary>
    public string? Photo { get; init; }
    public string? Description { get; init; }
    public string? By { get; init; }

    public const string DefaultHazard = "InspectionFinding";

    /// <summary>The reason the finding cannot become an order, or null; <paramref name="severity"/> is the parsed severity.</summary>
    public string? Validate(out Severity severity)
    {
        severity = Ingestion.Alarms.Severity.Minor;
        if (string.IsNullOrWhiteSpace(Site))
        {
            return "site is required";
        }

        if (string.IsNullOrWhiteSpace(Description))
        {
            return "description is required: what the inspector found";
        }

        if (string.IsNullOrWhiteSpace(Photo))
        {
            return "photo is required: a reference to the photo taken on site";
        }

        if (Hazard is { } hazard && (hazard.Length is 0 or > 64 || !hazard.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')))
        {
            return "hazard must be 1-64 letters, digits, '_' or '-'";
        }

        if (Severity is { } text && (!Enum.TryParse(text, ignoreCase: true, out severity) || !Enum.IsDefined(severity) || severity == Ingestion.Alarms.Severity.Critical))
        {
            return "severity must be warning, minor or major (a fire is an alarm, not a work order)";
        }

        return null;
    }
}
