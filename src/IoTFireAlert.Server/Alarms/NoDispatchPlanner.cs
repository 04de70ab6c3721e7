using IoTFireAlert.Server.Devices;

namespace IoTFireAlert.Server.Alarms;

/// <summary>The planner when dispatch is switched off (Dispatch:Enabled false): alarms are raised and streamed, nobody is pushed.</summary>
public sealed class NoDispatchPlanner : IAlarmDispatchPlanner
{
    public DispatchDecision? Plan(AlarmRecord alarm, DeviceRecord device) => null;
}
