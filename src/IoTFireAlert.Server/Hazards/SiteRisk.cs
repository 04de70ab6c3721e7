namespace IoTFireAlert.Server.Hazards;

/// <summary>A site's code with the reason for it and its inspection schedule. Times are unix milliseconds.</summary>
public sealed record SiteRisk
{
    public required string Site { get; init; }
    public required string Code { get; init; }
    public required string Reason { get; init; }
    public long ComputedAt { get; init; }
    public long CodeSince { get; init; }
    public long? LastInspectionAt { get; init; }
    public string? LastInspectedBy { get; init; }
    public long NextInspectionAt { get; init; }

    internal const string Columns =
        "site AS Site, code AS Code, reason AS Reason, computed_at AS ComputedAt, code_since AS CodeSince, " +
        "last_inspection_at AS LastInspectionAt, last_inspected_by AS LastInspectedBy, next_inspection_at AS NextInspectionAt";
}
