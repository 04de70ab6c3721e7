using IoTFireAlert.Ingestion.Alarms;
using IoTFireAlert.Ingestion.Readings;

namespace IoTFireAlert.Ingestion.Rules;

/// <summary>
/// The resolved rules for one device (its kind, site and own overrides): immutable, shared by
/// every device that resolves to the same configuration, and compiled into a per-signal table so
/// the engine does one array index per reading.
/// </summary>
public sealed class RuleSet
{
    internal const int SignalSlots = 64;

    private readonly SignalPlan[] _plans;
    private readonly ThresholdRule[] _thresholds;
    private readonly RateOfRiseRule[] _ratesOfRise;

    internal RuleSet(
        TimeSpan heartbeatInterval,
        TimeSpan heartbeatGrace,
        IEnumerable<ThresholdRule> thresholds,
        IEnumerable<RateOfRiseRule> ratesOfRise,
        IReadOnlyDictionary<Signal, ValidRange> validRanges)
    {
        HeartbeatInterval = heartbeatInterval;
        HeartbeatGrace = heartbeatGrace;

        // Group thresholds by signal so each signal's rules are one contiguous slice.
        _thresholds = [.. thresholds.OrderBy(t => t.Signal).ThenBy(t => t.Alarm)];
        _ratesOfRise = [.. ratesOfRise];
        _plans = new SignalPlan[SignalSlots];
        for (var s = 0; s < SignalSlots; s++)
        {
            var signal = (Signal)s;
            ref var plan = ref _plans[s];
            plan.FlagAlarm = FlagAlarm(signal);
            plan.Range = validRanges.TryGetValue(signal, out var range) ? range : new ValidRange(double.MinValue, double.MaxValue);
            plan.RateOfRiseIndex = Array.FindIndex(_ratesOfRise, r => r.Signal == signal);
            plan.ThresholdStart = Array.FindIndex(_thresholds, t => t.Signal == signal);
            plan.ThresholdCount = _thresholds.Count(t => t.Signal == signal);
            if (plan.ThresholdStart < 0)
            {
                plan.ThresholdStart = 0;
            }
        }
    }

    /// <summary>How often the device is expected to report; offline after 2 x this + <see cref="HeartbeatGrace"/>.</summary>
    public TimeSpan HeartbeatInterval { get; }

    public TimeSpan HeartbeatGrace { get; }

    public IReadOnlyList<ThresholdRule> Thresholds => _thresholds;

    public IReadOnlyList<RateOfRiseRule> RatesOfRise => _ratesOfRise;

    public ValidRange ValidRangeOf(Signal signal) => (int)signal < SignalSlots ? _plans[(int)signal].Range : new ValidRange(double.MinValue, double.MaxValue);

    internal ThresholdRule[] ThresholdArray => _thresholds;

    internal RateOfRiseRule[] RateOfRiseArray => _ratesOfRise;

    // Signal.None's plan (slot 0) has no rules: signals added after this build are ignored, never aliased.
    internal ref readonly SignalPlan Plan(Signal signal) => ref _plans[(int)signal < SignalSlots ? (int)signal : 0];

    /// <summary>The alarm a flag signal raises; flags are not configurable, they are the device's own verdict.</summary>
    internal static AlarmType FlagAlarm(Signal signal) => signal switch
    {
        Signal.SmokeAlarm => AlarmType.SmokeAlarm,
        Signal.FireAlarm => AlarmType.Fire,
        Signal.ManualCallPointPressed => AlarmType.ManualCallPoint,
        Signal.HeatAlarm => AlarmType.HeatAlarm,
        Signal.GasAlarm => AlarmType.GasAlarm,
        Signal.Tamper => AlarmType.Tamper,
        Signal.Fault => AlarmType.Fault,
        _ => 0,
    };
}
