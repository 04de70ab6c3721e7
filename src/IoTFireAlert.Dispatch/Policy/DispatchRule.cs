using IoTFireAlert.Ingestion.Alarms;
using IoTFireAlert.Ingestion.Readings;

namespace IoTFireAlert.Dispatch.Policy;

/// <summary>
/// Which responders an alarm calls for. A rule matches an alarm type at or above a severity and,
/// when <see cref="DeviceKinds"/> is not empty, only from those kinds of device.
/// </summary>
public sealed record DispatchRule(
    string Name,
    IReadOnlySet<AlarmType> AlarmTypes,
    Severity MinSeverity,
    IReadOnlySet<DeviceKind> DeviceKinds,
    IReadOnlyList<ResponderRequest> Responders)
{
    public bool Matches(AlarmType type, Severity severity, DeviceKind deviceKind) =>
        AlarmTypes.Contains(type)
        && severity >= MinSeverity
        && (DeviceKinds.Count == 0 || DeviceKinds.Contains(deviceKind));
}
