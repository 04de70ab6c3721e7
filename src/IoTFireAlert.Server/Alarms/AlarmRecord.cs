using IoTFireAlert.Ingestion.Alarms;

namespace IoTFireAlert.Server.Alarms;

/// <summary>An alarm as the API, the SSE stream and the push channels show it.</summary>
public sealed record AlarmRecord
{
    public long Id { get; init; }
    public required string DeviceId { get; init; }
    public AlarmType Type { get; init; }
    public Severity Severity { get; init; }
    public AlarmState State { get; init; }
    public bool Active { get; init; }
    public string? Site { get; init; }
    public long? IncidentId { get; init; }
    public long RaisedAt { get; init; }
    public long LastAt { get; init; }
    public int Count { get; init; }
    public double? FirstValue { get; init; }
    public double? LastValue { get; init; }
    public bool Flapping { get; init; }
    public int ReopenCount { get; init; }
    public long? ClearedAt { get; init; }
    public long? AckedAt { get; init; }
    public string? AckedBy { get; init; }
    public long? ResolvedAt { get; init; }
    public string? ResolvedBy { get; init; }
    public string? Cause { get; init; }
    /// <summary>The dispatch decision as JSON (responders, ETAs), when one was made.</summary>
    public string? Dispatch { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public long? LastSeq { get; init; }
}
