namespace IoTFireAlert.Server.Alarms;

/// <summary>One step in an alarm's history: raised, repeated, pushed, acknowledged, escalated, cleared, resolved.</summary>
public sealed record AlarmTimelineEntry(long Id, long AlarmId, long At, string Event, string? Actor, string? Detail);
