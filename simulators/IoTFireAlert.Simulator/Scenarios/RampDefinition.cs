namespace IoTFireAlert.Simulator.Scenarios;

/// <summary>One signal climbing (or falling) from <see cref="From"/> to <see cref="To"/> by <see cref="By"/>, one report every <see cref="Every"/> seconds.</summary>
public sealed class RampDefinition
{
    public required string Signal { get; init; }
    public double From { get; init; }
    public double To { get; init; }
    public double By { get; init; } = 1;
    public double Every { get; init; } = 1;
}
