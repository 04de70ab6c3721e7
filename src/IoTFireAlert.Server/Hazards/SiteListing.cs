namespace IoTFireAlert.Server.Hazards;

/// <summary>A site as GET /api/sites shows it: code, reason, open hazards, inspections done and due.</summary>
public sealed record SiteListing
{
    public required string Site { get; init; }
    public required string Code { get; init; }
    public required string Reason { get; init; }
    public int OpenHazards { get; init; }
    public long? LastInspectionAt { get; init; }
    public string? LastInspectedBy { get; init; }
    public long NextInspectionAt { get; init; }
    /// <summary>Days between inspections at this code.</summary>
    public double CadenceDays { get; init; }
    /// <summary>Whether inspectors must visit today (the next inspection falls before the end of the local day).</summary>
    public bool DueToday { get; init; }
}
