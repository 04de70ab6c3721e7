using IoTFireAlert.Ingestion.Alarms;

namespace IoTFireAlert.Server.Alarms;

/// <summary>What the alarm service needs to know about alarm types beyond the rules' verdicts.</summary>
public static class AlarmTypeFacts
{
    /// <summary>Electrical danger that, together with smoke at the same site, means fire.</summary>
    public static bool IsElectrical(AlarmType type) => type is AlarmType.ResidualCurrentAlarm or AlarmType.CableTemperatureAlarm
        or AlarmType.OverVoltage or AlarmType.UnderVoltage or AlarmType.ChargingPortOverTemperature or AlarmType.ChargingPortOverPower
        or AlarmType.ChargingPileLeakage;

    public static bool IsSmoke(AlarmType type) => type is AlarmType.SmokeAlarm;

    /// <summary>Hazards close by themselves when the condition ends; danger waits for a person.</summary>
    public static bool ClosesOnClear(Severity severity) => severity <= Severity.Minor;
}
