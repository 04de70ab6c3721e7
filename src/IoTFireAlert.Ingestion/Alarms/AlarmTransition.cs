namespace IoTFireAlert.Ingestion.Alarms;

/// <summary>
/// A rule's verdict for one device: an alarm condition began (<see cref="AlarmCondition.Raised"/>) or ended.
/// Rules emit a transition once per change of condition, never per message while it holds;
/// <see cref="AlarmCondition.Repeat"/> marks a device re-reporting a latched flag (e.g. a smoke
/// detector sending its alarm again), which the alarm service counts on the active alarm.
/// </summary>
public readonly record struct AlarmTransition(
    AlarmType Type,
    Severity Severity,
    AlarmCondition Condition,
    double Value,
    long TimestampUnixMs)
{
    /// <summary>
    /// The phase or port whose reading caused the transition (0 when the signal has one channel).
    /// The alarm itself is per device and type: it is raised when the first channel trips and
    /// cleared when the last one recovers.
    /// </summary>
    public byte Channel { get; init; }
}
