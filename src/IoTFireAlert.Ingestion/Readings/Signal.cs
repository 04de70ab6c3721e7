namespace IoTFireAlert.Ingestion.Readings;

/// <summary>
/// One measured or reported quantity. Flags carry 1 (on) or 0 (off); analog signals carry
/// the value in the unit named by the member, whatever unit the vendor sent.
/// </summary>
public enum Signal : byte
{
    None = 0,

    // Flags
    SmokeAlarm = 1,
    /// <summary>A fire state reported by a fire-alarm control panel component (GB/T 26875.3 bit 1).</summary>
    FireAlarm = 2,
    ManualCallPointPressed = 3,
    Tamper = 4,
    Fault = 5,
    HeatAlarm = 6,
    GasAlarm = 7,

    // Analog
    BatteryPercent = 32,
    ResidualCurrentMilliamps = 33,
    CableTemperatureCelsius = 34,
    VoltageVolts = 35,
    CurrentAmps = 36,
    TemperatureCelsius = 37,
    PortTemperatureCelsius = 38,
    PortPowerWatts = 39,
    PileLeakageMilliamps = 40,
    GasLelPercent = 41,
    SmokeDensityDbPerMetre = 42,
    SignalStrengthDbm = 43,
}
