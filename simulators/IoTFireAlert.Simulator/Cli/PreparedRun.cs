using IoTFireAlert.Simulator.Devices;
using IoTFireAlert.Simulator.Fleet;
using IoTFireAlert.Simulator.Scenarios;

namespace IoTFireAlert.Simulator.Cli;

/// <summary>A run's cast: background devices, the scenarios' timeline, the driving fleet and the alarms the scenarios should raise.</summary>
public sealed record PreparedRun(List<SimulatedDevice> Background, List<ScenarioMessage> Timeline, List<VehicleDrive> Fleet, List<ExpectedAlarm> Alarms)
{
    public int ExpectedAlarms => Alarms.Count;
}
