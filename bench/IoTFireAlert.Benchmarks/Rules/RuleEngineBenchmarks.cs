using BenchmarkDotNet.Attributes;
using IoTFireAlert.Ingestion.Alarms;
using IoTFireAlert.Ingestion.Readings;
using IoTFireAlert.Ingestion.Rules;

namespace IoTFireAlert.Benchmarks.Rules;

/// <summary>Rules alone: one electrical-fire report (14 readings, 3 phases) per device over 10,000 devices.</summary>
public class RuleEngineBenchmarks
{
    private const int Devices = 10_000;
    private readonly RuleEngine _engine = new();
    private readonly List<AlarmTransition> _output = new(32);
    private DeviceRuleState[] _states = null!;
    private RuleSet _rules = null!;
    private Reading[] _readings = null!;
    private long _now = 1_732_250_000_000;

    [GlobalSetup]
    public void Setup()
    {
        var config = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "..", "..", "config", "rules.json");
        _rules = RuleBook.Load(File.Exists(config) ? File.ReadAllText(config) : """{"kinds":{}}""").Resolve(DeviceKind.ElectricalFireMonitor, null, "d");
        _states = [.. Enumerable.Range(0, Devices).Select(_ => new DeviceRuleState())];
        _readings =
        [
            new(Signal.ResidualCurrentMilliamps, 85), new(Signal.CableTemperatureCelsius, 41.5, 1), new(Signal.CableTemperatureCelsius, 40.2, 2),
            new(Signal.CableTemperatureCelsius, 39.8, 3), new(Signal.VoltageVolts, 221, 1), new(Signal.VoltageVolts, 220, 2), new(Signal.VoltageVolts, 219, 3),
            new(Signal.CurrentAmps, 12.1, 1), new(Signal.CurrentAmps, 11.9, 2), new(Signal.CurrentAmps, 12.3, 3), new(Signal.BatteryPercent, 90),
            new(Signal.SmokeAlarm, 0), new(Signal.Tamper, 0), new(Signal.Fault, 0),
        ];
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
