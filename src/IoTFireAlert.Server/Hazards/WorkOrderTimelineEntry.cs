namespace IoTFireAlert.Server.Hazards;

/// <summary>One step of a work order: who did what when, and the state before and after.</summary>
public sealed record WorkOrderTimelineEntry(long Id, long OrderId, long At, string Event, string Actor, string? FromState, string? ToState, string? Detail);
