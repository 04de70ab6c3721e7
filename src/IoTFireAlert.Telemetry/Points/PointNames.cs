using System.Text;
using IoTFireAlert.Ingestion.Alarms;
using IoTFireAlert.Ingestion.Readings;

namespace IoTFireAlert.Telemetry.Points;

/// <summary>
/// The schema's names (docs/telemetry-schema.md): measurement per device kind, field per signal
/// (with <c>_{channel}</c> for phases and charging ports), snake_case alarm types. UTF-8 tables
/// built once, so formatting a point looks names up without allocating.
/// </summary>
public static class PointNames
{
    public const string FleetPosition = "fleet_position";
    public const string AlarmEvent = "alarm_event";

    private static readonly byte[][] MeasurementBytes = new byte[256][];
    private static readonly string[] MeasurementStrings = new string[256];
    private static readonly byte[][] FieldBytes = new byte[256][];
    private static readonly string?[][] FieldStrings = new string?[256][];
    private static readonly byte[][] AlarmTypeBytes = new byte[256][];
    private static readonly string[] AlarmTypeStrings = new string[256];

    static PointNames()
    {
        for (var i = 0; i < 256; i++)
        {
            var kind = (DeviceKind)i;
            var measurement = kind switch
            {
                DeviceKind.SmokeDetector => "smoke_detector",
                DeviceKind.ManualCallPoint => "manual_call_point",
                DeviceKind.ElectricalFireMonitor => "electrical_fire",
                DeviceKind.ChargingPile => "charging_pile",
                DeviceKind.HeatDetector => "heat_detector",
                DeviceKind.GasDetector => "gas_detector",
                _ => "unknown_device",
            };
            MeasurementStrings[i] = measurement;
            MeasurementBytes[i] = Encoding.UTF8.GetBytes(measurement);

            var field = (Signal)i switch
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
                Signal.PortTemperatureCelsius => "port_temp_c",
                Signal.PortPowerWatts => "port_power_w",
                Signal.PileLeakageMilliamps => "pile_leakage_ma",
                Signal.GasLelPercent => "gas_lel_pct",
                Signal.SmokeDensityDbPerMetre => "smoke_density_db_m",
                Signal.SignalStrengthDbm => "signal_dbm",
                _ => "signal_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            FieldBytes[i] = Encoding.UTF8.GetBytes(field);
            FieldStrings[i] = new string?[256];
            FieldStrings[i][0] = field;

            var type = (AlarmType)i;
            var typeName = Enum.IsDefined(type) ? SnakeCase(type.ToString()) : "alarm_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            AlarmTypeStrings[i] = typeName;
            AlarmTypeBytes[i] = Encoding.UTF8.GetBytes(typeName);
        }

        // After the tables: static initializers run before this constructor's body.
        DeviceMeasurements = [.. Enum.GetValues<DeviceKind>().Select(Measurement).Distinct()];
    }

    /// <summary>Every device measurement, for queries that read across kinds.</summary>
    public static IReadOnlyList<string> DeviceMeasurements { get; }

    public static string Measurement(DeviceKind kind) => MeasurementStrings[(byte)kind];

    public static ReadOnlySpan<byte> MeasurementUtf8(DeviceKind kind) => MeasurementBytes[(byte)kind];

    /// <summary>True for signals that carry on/off (written as bool fields; 1/0 in SQLite).</summary>
    public static bool IsFlag(Signal signal) => (byte)signal is > 0 and < 32;

    /// <summary>The field name without channel suffix, UTF-8.</summary>
    public static ReadOnlySpan<byte> FieldUtf8(Signal signal) => FieldBytes[(byte)signal];

    /// <summary>
    /// Writes the field name for <paramref name="signal"/> on <paramref name="channel"/> into
    /// <paramref name="destination"/> (64 bytes is enough) and returns its length.
    /// </summary>
    public static int FormatField(Signal signal, byte channel, Span<byte> destination)
    {
        var name = FieldBytes[(byte)signal];
        name.CopyTo(destination);
        if (channel == 0)
        {
            return name.Length;
        }

        destination[name.Length] = (byte)'_';
        channel.TryFormat(destination[(name.Length + 1)..], out var digits, default, System.Globalization.CultureInfo.InvariantCulture);
        return name.Length + 1 + digits;
    }

    /// <summary>The field name as a string (cached per signal and channel after first use).</summary>
    public static string Field(Signal signal, byte channel)
    {
        var row = FieldStrings[(byte)signal];
        var name = row[channel];
        if (name is null)
        {
            // A benign race: two threads may both build the same string once.
            name = row[0] + "_" + channel.ToString(System.Globalization.CultureInfo.InvariantCulture);
            row[channel] = name;
        }

        return name;
    }

    public static string AlarmType(AlarmType type) => AlarmTypeStrings[(byte)type];

    public static ReadOnlySpan<byte> AlarmTypeUtf8(AlarmType type) => AlarmTypeBytes[(byte)type];

    public static ReadOnlySpan<byte> ConditionUtf8(AlarmCondition condition) => condition switch
    {
        AlarmCondition.Raised => "raised"u8,
        AlarmCondition.Repeat => "repeat"u8,
        AlarmCondition.Cleared => "cleared"u8,
        _ => "unknown"u8,
    };

    public static string Condition(AlarmCondition condition) => condition switch
    {
        AlarmCondition.Raised => "raised",
        AlarmCondition.Repeat => "repeat",
        AlarmCondition.Cleared => "cleared",
        _ => "unknown",
    };

    private static string SnakeCase(string pascal)
    {
        var sb = new StringBuilder(pascal.Length + 4);
        for (var i = 0; i < pascal.Length; i++)
        {
            if (char.IsUpper(pascal[i]) && i > 0)
            {
                sb.Append('_');
            }

            sb.Append(char.ToLowerInvariant(pascal[i]));
        }

        return sb.ToString();
    }
}
