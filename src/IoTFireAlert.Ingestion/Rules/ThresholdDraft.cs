using IoTFireAlert.Ingestion.Alarms;
using IoTFireAlert.Ingestion.Readings;

namespace IoTFireAlert.Ingestion.Rules;

/// <summary>A threshold as one configuration layer states it: unset fields come from the layers below.</summary>
internal sealed class ThresholdDraft
{
    public Signal? Signal;
    public ThresholdOperator? Operator;
    public double? Threshold;
    public double? HysteresisPercent;
    public double? ClearAt;
    public double? MinDurationSeconds;
    public Severity? Severity;
    public bool? Enabled;
    public AlarmType? PreAlarm;
    public double? PreAlarmRatio;
    public string Path = "";

    public void Overlay(ThresholdDraft top)
    {
        Signal = top.Signal ?? Signal;
        Operator = top.Operator ?? Operator;
        Threshold = top.Threshold ?? Threshold;
        HysteresisPercent = top.HysteresisPercent ?? HysteresisPercent;
        // An explicit clear point belongs to the threshold it was written for.
        ClearAt = top.ClearAt ?? (top.Threshold is null ? ClearAt : null);
        MinDurationSeconds = top.MinDurationSeconds ?? MinDurationSeconds;
        Severity = top.Severity ?? Severity;
        Enabled = top.Enabled ?? Enabled;
        PreAlarm = top.PreAlarm ?? PreAlarm;
        PreAlarmRatio = top.PreAlarmRatio ?? PreAlarmRatio;
        Path = top.Path;
    }

    public ThresholdDraft Copy() => (ThresholdDraft)MemberwiseClone();
}
