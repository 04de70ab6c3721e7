namespace IoTFireAlert.Ingestion.Readings;

/// <summary>Reads a device kind as vendors and spreadsheets write it: "smoke_detector", "SmokeDetector", "smoke-detector".</summary>
public static class DeviceKindNames
{
    /// <summary>Every real kind, in declaration order.</summary>
    public static readonly DeviceKind[] All = [.. Enum.GetValues<DeviceKind>().Where(k => k != DeviceKind.Unknown)];

    public static bool TryParse(string? text, out DeviceKind kind)
    {
        kind = DeviceKind.Unknown;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var compact = text.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
        return Enum.TryParse(compact, ignoreCase: true, out kind) && kind != DeviceKind.Unknown && Enum.IsDefined(kind);
    }

    /// <summary>The snake_case name used in payloads, topics of telemetry and the API.</summary>
    public static string ToSnakeCase(DeviceKind kind) => kind switch
    {
        DeviceKind.SmokeDetector => "smoke_detector",
        DeviceKind.ManualCallPoint => "manual_call_point",
        DeviceKind.ElectricalFireMonitor => "electrical_fire_monitor",
        DeviceKind.ChargingPile => "charging_pile",
        DeviceKind.HeatDetector => "heat_detector",
        DeviceKind.GasDetector => "gas_detector",
        _ => "unknown",
    };
}
