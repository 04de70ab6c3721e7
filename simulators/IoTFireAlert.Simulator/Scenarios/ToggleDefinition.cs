namespace IoTFireAlert.Simulator.Scenarios;

/// <summary>A signal switching on and off <see cref="Times"/> reports in a row (on first), one every <see cref="Every"/> seconds: a flapping sensor.</summary>
public sealed class ToggleDefinition
{
    public required string Signal { get; init; }
    public double On { get; init; } = 1;
    public double Off { get; init; }
    public int Times { get; init; } = 6;
    public double Every { get; init; } = 1;
}
