namespace IoTFireAlert.Server.Alarms;

/// <summary>Who an alarm goes to: stored on the alarm (JSON), written to its timeline, and pushed through the outbox.</summary>
public sealed record DispatchDecision(string Json, IReadOnlyList<string> TimelineLines, IReadOnlyList<OutboxMessage> Messages);
