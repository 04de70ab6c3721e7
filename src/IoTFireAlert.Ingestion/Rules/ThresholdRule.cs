using IoTFireAlert.Ingestion.Alarms;
using IoTFireAlert.Ingestion.Readings;

namespace IoTFireAlert.Ingestion.Rules;

/// <summary>
/// A resolved threshold: raise <see cref="Alarm"/> when a channel's value has been beyond
/// <see cref="Threshold"/> for <see cref="MinDurationMs"/>, clear when it comes back past
/// <see cref="ClearAt"/> (hysteresis, so a value hovering at the threshold does not flap).
/// </summary>
public sealed record ThresholdRule(
    AlarmType Alarm,
    Severity Severity,
    Signal Signal,
    ThresholdOperator Operator,
    double Threshold,
    double ClearAt,
    long MinDurationMs)
{
    public bool IsBeyond(double value) => Operator switch
    {
        ThresholdOperator.Above => value > Threshold,
        ThresholdOperator.AtOrAbove => value >= Threshold,
        ThresholdOperator.Below => value < Threshold,
        _ => value <= Threshold,
    };

    public bool IsCleared(double value) => Operator is ThresholdOperator.Above or ThresholdOperator.AtOrAbove
        ? value < ClearAt
        : value > ClearAt;
}
