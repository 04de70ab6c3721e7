using IoTFireAlert.Simulator.Devices;

namespace IoTFireAlert.Simulator.Scenarios;

/// <summary>The devices a scenario picked for its roles, and the site it plays at (if any).</summary>
public sealed record ScenarioCast(string? Site, IReadOnlyDictionary<string, IReadOnlyList<SimulatedDevice>> Roles);
