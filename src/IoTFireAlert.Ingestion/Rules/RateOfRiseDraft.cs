namespace IoTFireAlert.Ingestion.Rules;

/// <summary>A rate-of-rise rule as one configuration layer states it.</summary>
internal sealed class RateOfRiseDraft
{
    public double? DegreesPerMinute;
    public double? WindowSeconds;
    public double? HysteresisPercent;
    public bool? Enabled;
    public string Path = "";

    public void Overlay(RateOfRiseDraft top)
    {
        DegreesPerMinute = top.DegreesPerMinute ?? DegreesPerMinute;
        WindowSeconds = top.WindowSeconds ?? WindowSeconds;
        HysteresisPercent = top.HysteresisPercent ?? HysteresisPercent;
        Enabled = top.Enabled ?? Enabled;
        Path = top.Path;
    }

    public RateOfRiseDraft Copy() => (RateOfRiseDraft)MemberwiseClone();
}
