using BenchmarkDotNet.Attributes;
using IoTFireAlert.Ingestion.Alarms;
using IoTFireAlert.Ingestion.Readings;
using IoTFireAlert.Ingestion.Rules;

namespace IoTFireAlert.Benchmarks.Rules;

/// <summary>
/// Rules alone: one electrical-fire report (14 readings, 3 phases) per device over 10,000 devices; and
/// what a device's rule state holds after its first report (the "Allocated" column: the engine itself
/// allocates nothing, so it is the state a million devices keep).
/// </summary>
public class RuleEngineBenchmarks
{
    private const int Devices = 10_000;
    private readonly RuleEngine _engine = new();
    private readonly List<AlarmTransition> _output = new(32);
    private DeviceRuleState[] _states = null!;
    private RuleSet _rules = null!;
    private Reading[] _readings = null!;
    private Reading[] _singlePhaseReadings = null!;
    private long _now = 1_732_250_000_000;

    [GlobalSetup]
    public void Setup()
    {
        // The shipped rules, found above the build folder (an empty rule book measured nothing).
        _rules = RuleBook.Load(File.ReadAllText(Decoders.IngestionMixWorkload.FindConfig("rules.json"))).Resolve(DeviceKind.ElectricalFireMonitor, null, "d");
        _states = [.. Enumerable.Range(0, Devices).Select(_ => new DeviceRuleState())];
        _readings =
        [
            new(Signal.ResidualCurrentMilliamps, 85), new(Signal.CableTemperatureCelsius, 41.5, 1), new(Signal.CableTemperatureCelsius, 40.2, 2),
            new(Signal.CableTemperatureCelsius, 39.8, 3), new(Signal.VoltageVolts, 221, 1), new(Signal.VoltageVolts, 220, 2), new(Signal.VoltageVolts, 219, 3),
            new(Signal.CurrentAmps, 12.1, 1), new(Signal.CurrentAmps, 11.9, 2), new(Signal.CurrentAmps, 12.3, 3), new(Signal.BatteryPercent, 90),
            new(Signal.SmokeAlarm, 0), new(Signal.Tamper, 0), new(Signal.Fault, 0),
        ];
        // What bench/load.sh's electrical devices send: one channel each.
        _singlePhaseReadings = [new(Signal.ResidualCurrentMilliamps, 35), new(Signal.CableTemperatureCelsius, 31.5), new(Signal.BatteryPercent, 88)];
    }

    [Benchmark]
    public DeviceRuleState FirstSinglePhaseReport() => FirstReport(_singlePhaseReadings);

    [Benchmark]
    public DeviceRuleState FirstThreePhaseReport() => FirstReport(_readings);

    /// <summary>A new device's state after its first report.</summary>
    private DeviceRuleState FirstReport(Reading[] readings)
    {
        var state = new DeviceRuleState();
        _output.Clear();
        _engine.Evaluate(_rules, state, new DeviceReport(), readings, _now, _output);
        return state;
    }

    [Benchmark(OperationsPerInvoke = Devices)]
    public int EvaluateElectricalReport()
    {
        var now = _now += 1000;
        var report = new DeviceReport();
        var count = 0;
        foreach (var state in _states)
        {
            _output.Clear();
            _engine.Evaluate(_rules, state, report, _readings, now, _output);
            count += _output.Count;
        }

        return count;
    }
}
