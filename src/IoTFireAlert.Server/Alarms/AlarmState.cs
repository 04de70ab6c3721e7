namespace IoTFireAlert.Server.Alarms;

/// <summary>
/// Lifecycle: Active (unacknowledged) -> Acknowledged -> Resolved by a person with a cause.
/// Hazards (Minor/Warning) close by themselves as Cleared when the condition ends; fire and
/// electrical danger never do: a person resolves them, even when the detector has reset.
/// </summary>
public enum AlarmState : byte
{
    Active = 0,
    Acknowledged = 1,
    Cleared = 2,
    Resolved = 3,
}
