using IoTFireAlert.Server.Devices;

namespace IoTFireAlert.Server.Alarms;

/// <summary>Decides the responders of a newly raised alarm, inside the alarm's transaction (so it must be fast and in-memory).</summary>
public interface IAlarmDispatchPlanner
{
    DispatchDecision? Plan(AlarmRecord alarm, DeviceRecord device);
}
