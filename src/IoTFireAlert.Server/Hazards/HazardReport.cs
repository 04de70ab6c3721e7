using IoTFireAlert.Ingestion.Alarms;

namespace IoTFireAlert.Server.Hazards;

/// <summary>A hazard seen by a device or an inspector: opens a work order or adds to the open one for the same device and hazard.</summary>
public sealed record HazardReport
{
    public string? DeviceId { get; init; }
    public required string Hazard { get; init; }
    public Severity Severity { get; init; }
    /// <summary>device, repeat_rule or inspection.</summary>
    public required string Source { get; init; }
    public string? Site { get; init; }
    public string? Grid { get; init; }
    public long? AlarmId { get; init; }
    /// <summary>Who saw it: "device:{id}" or the inspector's name.</summary>
    public required string Actor { get; init; }
    public string? Photo { get; init; }
    public string? Description { get; init; }
}
