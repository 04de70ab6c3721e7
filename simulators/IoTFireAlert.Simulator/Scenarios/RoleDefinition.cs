namespace IoTFireAlert.Simulator.Scenarios;

/// <summary>
/// Devices playing one part: <see cref="Count"/> devices of <see cref="Kind"/> (fewer when the file
/// has fewer; 0 = all), at the scenario's site when <see cref="AtSite"/>, otherwise each from a site
/// no other scenario uses. <see cref="Vendor"/> is a preference, not a requirement.
/// </summary>
public sealed class RoleDefinition
{
    public required string Kind { get; init; }
    public int Count { get; init; } = 1;
    public bool AtSite { get; init; } = true;
    public string? Vendor { get; init; }
}
