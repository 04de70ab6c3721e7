namespace IoTFireAlert.Ingestion.Alarms;

/// <summary>What an alarm is about. One active alarm exists per device and type.</summary>
public enum AlarmType : byte
{
    // Critical
    Fire = 1,
    SmokeAlarm = 2,
    ManualCallPoint = 3,
    HeatAlarm = 4,
    TemperatureRateOfRise = 5,
    GasAlarm = 6,

    // Major: electrical and charging-pile danger
    ResidualCurrentAlarm = 20,
    CableTemperatureAlarm = 21,
    OverVoltage = 22,
    UnderVoltage = 23,
    ChargingPortOverTemperature = 24,
    ChargingPortOverPower = 25,
    ChargingPileLeakage = 26,

    // Minor / Warning: hidden hazards
    ResidualCurrentPreAlarm = 40,
    CableTemperatureWarning = 41,
    Fault = 42,
    LowBattery = 43,
    Offline = 44,
    Tamper = 45,
    SensorFault = 46,
    Spoofing = 47,
    Flooding = 48,
}
