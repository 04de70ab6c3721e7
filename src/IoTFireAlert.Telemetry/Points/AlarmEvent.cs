using IoTFireAlert.Ingestion.Alarms;

namespace IoTFireAlert.Telemetry.Points;

/// <summary>An alarm transition of one device, stored as a point of <c>alarm_event</c>.</summary>
public readonly record struct AlarmEvent(DeviceTags Device, AlarmTransition Transition);
