namespace IoTFireAlert.Ingestion.Rules;

/// <summary>Values a sensor can physically report; outside it (or not finite) the sensor is at fault.</summary>
public readonly record struct ValidRange(double Min, double Max)
{
    public bool Contains(double value) => value >= Min && value <= Max; // false for NaN
}
