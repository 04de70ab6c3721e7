using IoTFireAlert.Ingestion.Alarms;

namespace IoTFireAlert.Ingestion.Rules;

/// <summary>What the engine does with one signal, precomputed so a reading costs one array index.</summary>
internal struct SignalPlan
{
    /// <summary>Non-zero for flag signals: the alarm the flag raises.</summary>
    public AlarmType FlagAlarm;
    public ValidRange Range;
    public int ThresholdStart;
    public int ThresholdCount;
    /// <summary>Index into <see cref="RuleSet.RatesOfRise"/>, or -1.</summary>
    public int RateOfRiseIndex;
}
