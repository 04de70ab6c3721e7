using IoTFireAlert.Ingestion.Readings;

namespace IoTFireAlert.Ingestion.Decoders;

/// <summary>
/// Field names of the canonical JSON payload (docs/vendor-contract.md), shared by the decoder and
/// the encoder so the two cannot drift apart.
/// </summary>
public static class CanonicalJsonSchema
{
    public const int Version = 1;

    /// <summary>At most this many values in one array field (phases, probes, ports).</summary>
    public const int MaxChannels = 64;

    /// <summary>The JSON field name of a signal at the top level, or null when it has none.</summary>
    public static string? FieldName(Signal signal) => signal switch
    {
        Signal.SmokeAlarm => "smoke",
        Signal.FireAlarm => "fire",
        Signal.ManualCallPointPressed => "manual_call_point",
        Signal.Tamper => "tamper",
        Signal.Fault => "fault",
        Signal.HeatAlarm => "heat",
        Signal.GasAlarm => "gas",
        Signal.BatteryPercent => "battery_pct",
        Signal.ResidualCurrentMilliamps => "residual_current_ma",
        Signal.CableTemperatureCelsius => "cable_temp_c",
        Signal.VoltageVolts => "voltage_v",
        Signal.CurrentAmps => "current_a",
        Signal.TemperatureCelsius => "temp_c",
        Signal.PileLeakageMilliamps => "leakage_ma",
        Signal.GasLelPercent => "gas_lel_pct",
        Signal.SmokeDensityDbPerMetre => "smoke_db_m",
        Signal.SignalStrengthDbm => "rssi_dbm",
        _ => null,
    };

    /// <summary>The field name of a per-port signal inside a <c>ports</c> entry, or null.</summary>
    public static string? PortFieldName(Signal signal) => signal switch
    {
        Signal.PortTemperatureCelsius => "temp_c",
        Signal.PortPowerWatts => "power_w",
        Signal.PileLeakageMilliamps => "leakage_ma",
        _ => null,
    };

    public static bool IsFlag(Signal signal) => (byte)signal is > 0 and < 32;

    public static string KindName(DeviceKind kind) => kind switch
    {
        DeviceKind.SmokeDetector => "smoke_detector",
        DeviceKind.ManualCallPoint => "manual_call_point",
        DeviceKind.ElectricalFireMonitor => "electrical_fire",
        DeviceKind.ChargingPile => "charging_pile",
        DeviceKind.HeatDetector => "heat_detector",
        DeviceKind.GasDetector => "gas_detector",
        _ => "unknown",
    };

    /// <summary>Maps a kind name to a kind; unknown names give <see cref="DeviceKind.Unknown"/> (forward compatibility).</summary>
    public static DeviceKind ParseKind(ReadOnlySpan<byte> name) => name.Length switch
    {
        14 when name.SequenceEqual("smoke_detector"u8) => DeviceKind.SmokeDetector,
        17 when name.SequenceEqual("manual_call_point"u8) => DeviceKind.ManualCallPoint,
        15 when name.SequenceEqual("electrical_fire"u8) => DeviceKind.ElectricalFireMonitor,
        13 when name.SequenceEqual("charging_pile"u8) => DeviceKind.ChargingPile,
        13 when name.SequenceEqual("heat_detector"u8) => DeviceKind.HeatDetector,
        12 when name.SequenceEqual("gas_detector"u8) => DeviceKind.GasDetector,
        _ => DeviceKind.Unknown,
    };
}
