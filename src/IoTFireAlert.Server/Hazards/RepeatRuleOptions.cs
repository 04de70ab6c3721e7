namespace IoTFireAlert.Server.Hazards;

/// <summary>
/// Danger alarms that open a hazard order only when they keep coming back: a charging port that
/// overheats <see cref="Times"/> times within <see cref="WindowHours"/> is a hazard to rectify,
/// even though each alarm alone was handled by the dispatcher.
/// </summary>
public sealed class RepeatRuleOptions
{
    /// <summary>Alarm type names (e.g. ChargingPortOverTemperature); each type is counted on its own per device.</summary>
    public List<string> Types { get; set; } = [];

    public int Times { get; set; } = 3;

    public double WindowHours { get; set; } = 24;
}
