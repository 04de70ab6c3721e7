namespace IoTFireAlert.Server.Hazards;

/// <summary>A hidden-hazard work order as stored and as the API shows it. Times are unix milliseconds.</summary>
public sealed record WorkOrder
{
    public long Id { get; init; }
    public string? DeviceId { get; init; }
    /// <summary>The alarm type name for device hazards, or the inspector's category for findings.</summary>
    public required string Hazard { get; init; }
    public required string Severity { get; init; }
    /// <summary>device, repeat_rule or inspection.</summary>
    public required string Source { get; init; }
    public string? Site { get; init; }
    public string? Grid { get; init; }
    public required string State { get; init; }
    public bool Open { get; init; }
    public string? Assignee { get; init; }
    public long? AlarmId { get; init; }
    public long OpenedAt { get; init; }
    public required string OpenedBy { get; init; }
    public long LastSeen { get; init; }
    public int Count { get; init; }
    public long Deadline { get; init; }
    /// <summary>0 none, 1 grid supervisor, 2 fire-safety office.</summary>
    public int EscalationLevel { get; init; }
    public long? EscalatedAt { get; init; }
    public string? EscalatedTo { get; init; }
    public long? RectifiedAt { get; init; }
    public long? ClosedAt { get; init; }
    public string? ClosedBy { get; init; }
    public int ReopenCount { get; init; }
    public string? Photo { get; init; }
    public string? Description { get; init; }

    internal const string Columns =
        "id AS Id, device_id AS DeviceId, hazard AS Hazard, severity AS Severity, source AS Source, site AS Site, grid AS Grid, " +
        "state AS State, open AS Open, assignee AS Assignee, alarm_id AS AlarmId, opened_at AS OpenedAt, opened_by AS OpenedBy, " +
        "last_seen AS LastSeen, count AS Count, deadline AS Deadline, escalation_level AS EscalationLevel, escalated_at AS EscalatedAt, " +
        "escalated_to AS EscalatedTo, rectified_at AS RectifiedAt, closed_at AS ClosedAt, closed_by AS ClosedBy, reopen_count AS ReopenCount, " +
        "photo AS Photo, description AS Description";
}
