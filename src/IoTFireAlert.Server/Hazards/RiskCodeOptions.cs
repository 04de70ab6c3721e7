namespace IoTFireAlert.Server.Hazards;

/// <summary>
/// The rules that colour a site. Red: a Critical alarm within <see cref="CriticalAlarmWindowDays"/>,
/// an overdue Major hazard, or at least <see cref="RedOpenHazards"/> open hazards. Yellow: at least
/// <see cref="YellowOpenHazards"/> open hazards or a Major alarm within <see cref="MajorAlarmWindowDays"/>.
/// Green otherwise.
/// </summary>
public sealed class RiskCodeOptions
{
    public double CriticalAlarmWindowDays { get; set; } = 30;

    public double MajorAlarmWindowDays { get; set; } = 30;

    public int RedOpenHazards { get; set; } = 3;

    public int YellowOpenHazards { get; set; } = 1;

    /// <summary>Whether an open Major hazard past its deadline makes the site red.</summary>
    public bool RedOnOverdueMajor { get; set; } = true;
}
