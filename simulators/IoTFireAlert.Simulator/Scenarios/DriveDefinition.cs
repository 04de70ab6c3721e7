namespace IoTFireAlert.Simulator.Scenarios;

/// <summary>
/// A repair van starting <see cref="FromKm"/> away and reaching the site in <see cref="Seconds"/>,
/// publishing its position every second. <see cref="Vehicle"/>: a vehicle id, or "any" (the first
/// of the fleet file).
/// </summary>
public sealed class DriveDefinition
{
    public string Vehicle { get; init; } = "any";
    public double FromKm { get; init; } = 0.5;
    public double Seconds { get; init; } = 45;
}
