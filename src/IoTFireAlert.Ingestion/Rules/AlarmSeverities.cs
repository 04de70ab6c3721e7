using IoTFireAlert.Ingestion.Alarms;

namespace IoTFireAlert.Ingestion.Rules;

/// <summary>The default severity of each alarm type; a threshold rule may name another.</summary>
public static class AlarmSeverities
{
    public static Severity Of(AlarmType type) => type switch
    {
        AlarmType.Fire or AlarmType.SmokeAlarm or AlarmType.ManualCallPoint or AlarmType.HeatAlarm
            or AlarmType.TemperatureRateOfRise or AlarmType.GasAlarm => Severity.Critical,
        AlarmType.ResidualCurrentAlarm or AlarmType.CableTemperatureAlarm or AlarmType.OverVoltage
            or AlarmType.UnderVoltage or AlarmType.ChargingPortOverTemperature or AlarmType.ChargingPortOverPower
            or AlarmType.ChargingPileLeakage => Severity.Major,
        AlarmType.ResidualCurrentPreAlarm or AlarmType.CableTemperatureWarning or AlarmType.Fault
            or AlarmType.Tamper or AlarmType.Offline or AlarmType.Spoofing => Severity.Minor,
        _ => Severity.Warning, // LowBattery, SensorFault, Flooding
    };
}
