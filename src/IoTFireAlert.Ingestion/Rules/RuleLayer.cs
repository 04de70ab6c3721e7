using IoTFireAlert.Ingestion.Alarms;
using IoTFireAlert.Ingestion.Readings;

namespace IoTFireAlert.Ingestion.Rules;

/// <summary>
/// One layer of rules configuration (defaults, a kind, a site, a device). Layers stack: a field a
/// higher layer sets wins; thresholds merge by alarm type, rates of rise by signal.
/// </summary>
internal sealed class RuleLayer
{
    public double? HeartbeatIntervalSeconds;
    public double? HeartbeatGraceSeconds;
    public readonly Dictionary<Signal, ValidRange> ValidRanges = [];
    public readonly Dictionary<AlarmType, ThresholdDraft> Thresholds = [];
    public readonly Dictionary<Signal, RateOfRiseDraft> RatesOfRise = [];

    public void Overlay(RuleLayer? top)
    {
        if (top is null)
        {
            return;
        }

        HeartbeatIntervalSeconds = top.HeartbeatIntervalSeconds ?? HeartbeatIntervalSeconds;
        HeartbeatGraceSeconds = top.HeartbeatGraceSeconds ?? HeartbeatGraceSeconds;
        foreach (var (signal, range) in top.ValidRanges)
        {
            ValidRanges[signal] = range;
        }

        foreach (var (alarm, draft) in top.Thresholds)
        {
            if (Thresholds.TryGetValue(alarm, out var existing))
            {
                existing.Overlay(draft);
            }
            else
            {
                Thresholds[alarm] = draft.Copy();
            }
        }

        foreach (var (signal, draft) in top.RatesOfRise)
        {
            if (RatesOfRise.TryGetValue(signal, out var existing))
            {
                existing.Overlay(draft);
            }
            else
            {
                RatesOfRise[signal] = draft.Copy();
            }
        }
    }
}
