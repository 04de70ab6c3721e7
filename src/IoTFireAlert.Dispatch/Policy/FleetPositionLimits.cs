namespace IoTFireAlert.Dispatch.Policy;

/// <summary>How old or how far ahead of the server clock a position fix may be before it is rejected.</summary>
public sealed record FleetPositionLimits(TimeSpan MaxAge, TimeSpan MaxFuture)
{
    public static FleetPositionLimits Default { get; } = new(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30));
}
