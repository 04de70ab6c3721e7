namespace IoTFireAlert.Simulator.Scenarios;

/// <summary>
/// The one site a scenario plays at: a site (not used by another scenario of the run) with at least
/// <see cref="With"/> devices of each kind. <see cref="Choose"/>: "first" in file order, "most" (the
/// most devices of the first kind named in <see cref="With"/>) or "random" (by --seed).
/// </summary>
public sealed class SiteChoice
{
    public Dictionary<string, int> With { get; init; } = [];
    public string Choose { get; init; } = "first";
}
