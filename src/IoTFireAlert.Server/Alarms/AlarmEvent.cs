namespace IoTFireAlert.Server.Alarms;

/// <summary>A committed change of an alarm, in commit order; <see cref="Id"/> is the SSE event id.</summary>
public sealed record AlarmEvent(long Id, string Kind, string Body);
