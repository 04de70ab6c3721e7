using IoTFireAlert.Ingestion.Readings;
using IoTFireAlert.Simulator.Devices;
using IoTFireAlert.Simulator.Fleet;

namespace IoTFireAlert.Simulator.Scenarios;

/// <summary>
/// One message of a scenario's timeline, <see cref="OffsetMs"/> after the run's start: a device
/// report (<see cref="Readings"/>), a device's "offline" state, or a vehicle fix (<see cref="Position"/>).
/// </summary>
public sealed record ScenarioMessage(long OffsetMs, string Scenario, SimulatedDevice? Device, Reading[]? Readings, bool Offline, VehiclePosition? Position);
