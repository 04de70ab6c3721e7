namespace IoTFireAlert.Server.Hazards;

/// <summary>How often inspectors visit a site of each code, and where "today" begins.</summary>
public sealed class InspectionOptions
{
    public double RedDays { get; set; } = 1;

    public double YellowDays { get; set; } = 7;

    public double GreenDays { get; set; } = 30;

    /// <summary>The inspectors' local time as an offset from UTC (China Standard Time is +8, without daylight saving).</summary>
    public double UtcOffsetHours { get; set; } = 8;
}
