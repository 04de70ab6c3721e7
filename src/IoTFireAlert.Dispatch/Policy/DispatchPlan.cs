namespace IoTFireAlert.Dispatch.Policy;

/// <summary>
/// The outcome of one dispatch: who is called (<see cref="Responders"/>), who is next in line per
/// request if someone does not answer (<see cref="Reserves"/>, nearest first), and each request the
/// map could not fill (<see cref="Shortfalls"/>, e.g. "no available repair vehicle").
/// </summary>
public sealed record DispatchPlan(
    string? RuleName,
    IReadOnlyList<DispatchResponder> Responders,
    IReadOnlyList<DispatchResponder> Reserves,
    IReadOnlyList<string> Shortfalls)
{
    /// <summary>No rule matched (e.g. a Minor/Warning hazard): nobody is dispatched.</summary>
    public static DispatchPlan None { get; } = new(null, [], [], []);

    public bool IsEmpty => Responders.Count == 0;
}
