namespace IoTFireAlert.Simulator.Scenarios;

/// <summary>
/// What a role's devices do from <see cref="At"/> seconds, the n-th device <see cref="Stagger"/> x n
/// seconds later. Exactly one action: <see cref="Readings"/> (one report; signals by
/// <c>Signal</c> name, <c>"Name#channel"</c> for a phase or port; the rest are the device's normal
/// readings), <see cref="Ramp"/>, <see cref="Toggle"/>, <see cref="State"/> ("offline": the device
/// says so and falls silent) or <see cref="Drive"/> (a repair van drives to the role's first device).
/// </summary>
public sealed class StepDefinition
{
    public double At { get; init; }
    public string? Role { get; init; }
    public double Stagger { get; init; }
    public Dictionary<string, double>? Readings { get; init; }
    public RampDefinition? Ramp { get; init; }
    public ToggleDefinition? Toggle { get; init; }
    public string? State { get; init; }
    public DriveDefinition? Drive { get; init; }
}
