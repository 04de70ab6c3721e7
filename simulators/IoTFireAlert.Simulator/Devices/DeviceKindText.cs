using IoTFireAlert.Ingestion.Readings;

namespace IoTFireAlert.Simulator.Devices;

/// <summary>The snake_case kind names of the device CSV (the server's import accepts the same words).</summary>
public static class DeviceKindText
{
    public static readonly DeviceKind[] All =
    [
        DeviceKind.SmokeDetector, DeviceKind.ManualCallPoint, DeviceKind.ElectricalFireMonitor,
        DeviceKind.ChargingPile, DeviceKind.HeatDetector, DeviceKind.GasDetector,
    ];

    public static string Name(DeviceKind kind) => kind switch
    {
        DeviceKind.SmokeDetector => "smoke_detector",
        DeviceKind.ManualCallPoint => "manual_call_point",
        DeviceKind.ElectricalFireMonitor => "electrical_fire_monitor",
        DeviceKind.ChargingPile => "charging_pile",
        DeviceKind.HeatDetector => "heat_detector",
        DeviceKind.GasDetector => "gas_detector",
        _ => "unknown",
    };

    public static bool TryParse(string text, out DeviceKind kind)
    {
        var compact = text.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).Trim();
        return Enum.TryParse(compact, ignoreCase: true, out kind) && kind != DeviceKind.Unknown && Enum.IsDefined(kind);
    }
}
