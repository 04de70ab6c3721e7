using IoTFireAlert.Ingestion.Readings;
using IoTFireAlert.Simulator.Devices;

namespace IoTFireAlert.Simulator.Payloads;

/// <summary>
/// What a healthy device reports: values well inside every threshold of config/rules.json
/// (residual current under the 240 mA pre-alarm, cable temperature under 70 degC, mains 198-235 V,
/// charging ports under 65 degC and 1000 W, battery over 25 %), with a per-device baseline and
/// small noise. Temperatures move by tenths of a degree so no rate-of-rise rule (8 degC/min) trips:
/// under load, the only alarms are the scenarios'.
/// </summary>
public static class NormalReadings
{
    /// <summary>Enough room for any kind's readings.</summary>
    public const int MaxReadings = 12;

    /// <summary>Writes the device's normal readings into <paramref name="destination"/>; returns how many.</summary>
    public static int Compose(SimulatedDevice device, Random noise, Span<Reading> destination)
    {
        var seed = StableHash(device.Id);
        double Baseline(double low, double high, int salt) => low + ((((seed >> salt) & 0xFF) / 255.0) * (high - low));
        double Jitter(double amplitude) => ((noise.NextDouble() * 2) - 1) * amplitude;
        var battery = Math.Round(Baseline(60, 98, 0));
        var n = 0;
        switch (device.Kind)
        {
            case DeviceKind.SmokeDetector:
                destination[n++] = new Reading(Signal.SmokeAlarm, 0);
                destination[n++] = new Reading(Signal.BatteryPercent, battery);
                destination[n++] = new Reading(Signal.SmokeDensityDbPerMetre, Math.Round(Baseline(0.005, 0.02, 8), 3));
                destination[n++] = new Reading(Signal.SignalStrengthDbm, Math.Round(Baseline(-95, -60, 16) + Jitter(2)));
                break;
            case DeviceKind.ManualCallPoint:
                destination[n++] = new Reading(Signal.ManualCallPointPressed, 0);
                destination[n++] = new Reading(Signal.BatteryPercent, battery);
                break;
            case DeviceKind.HeatDetector:
                destination[n++] = new Reading(Signal.HeatAlarm, 0);
                destination[n++] = new Reading(Signal.TemperatureCelsius, Math.Round(Baseline(18, 28, 8) + Jitter(0.2), 1));
                destination[n++] = new Reading(Signal.BatteryPercent, battery);
                break;
            case DeviceKind.GasDetector:
                destination[n++] = new Reading(Signal.GasAlarm, 0);
                destination[n++] = new Reading(Signal.GasLelPercent, Math.Round(Baseline(0, 3, 8) + Math.Abs(Jitter(0.2)), 1));
                break;
            case DeviceKind.ElectricalFireMonitor:
                destination[n++] = new Reading(Signal.ResidualCurrentMilliamps, Math.Round(Baseline(15, 80, 0) + Jitter(3)));
                destination[n++] = new Reading(Signal.CableTemperatureCelsius, Math.Round(Baseline(28, 45, 8) + Jitter(0.3), 1));
                destination[n++] = new Reading(Signal.VoltageVolts, Math.Round(Baseline(216, 226, 16) + Jitter(1.5), 1));
                destination[n++] = new Reading(Signal.CurrentAmps, Math.Round(Baseline(2, 20, 24) + Jitter(0.5), 1));
                break;
            case DeviceKind.ChargingPile:
                destination[n++] = new Reading(Signal.PortTemperatureCelsius, Math.Round(Baseline(26, 38, 8) + Jitter(0.3), 1), 1);
                destination[n++] = new Reading(Signal.PortPowerWatts, Math.Round(Baseline(150, 700, 16) + Jitter(20)), 1);
                destination[n++] = new Reading(Signal.PortTemperatureCelsius, Math.Round(Baseline(26, 38, 24) + Jitter(0.3), 1), 2);
                destination[n++] = new Reading(Signal.PortPowerWatts, Math.Round(Baseline(0, 400, 4) + Jitter(10) + 10), 2);
                destination[n++] = new Reading(Signal.PileLeakageMilliamps, Math.Round(Baseline(1, 8, 12)));
                break;
            default:
                break;
        }

        return n;
    }

    /// <summary>FNV-1a: the same baseline for a device in every run (string.GetHashCode changes per process).</summary>
    public static uint StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}
