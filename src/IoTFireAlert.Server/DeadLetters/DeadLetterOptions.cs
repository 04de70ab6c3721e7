namespace IoTFireAlert.Server.DeadLetters;

/// <summary>Configuration section "DeadLetters".</summary>
public sealed class DeadLetterOptions
{
    /// <summary>How many of the newest dead letters are kept.</summary>
    public int Capacity { get; set; } = 10_000;

    public string? Validate() => Capacity is < 1 or > 10_000_000 ? "DeadLetters:Capacity must be within 1..10000000" : null;
}
