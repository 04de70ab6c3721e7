namespace IoTFireAlert.Server.Hazards;

/// <summary>Where a work order came from.</summary>
public static class WorkOrderSources
{
    /// <summary>A Minor/Warning alarm from a device.</summary>
    public const string Device = "device";

    /// <summary>A danger alarm that kept coming back (<see cref="RepeatRuleOptions"/>).</summary>
    public const string RepeatRule = "repeat_rule";

    /// <summary>An inspector's finding on foot.</summary>
    public const string Inspection = "inspection";
}
