namespace IoTFireAlert.Server.Hazards;

/// <summary>GET /api/stats/hazards: per grid and ISO week, totals over the period, and the devices with the most hazards.</summary>
public sealed record HazardStatisticsReport(
    long From,
    long To,
    int Found,
    int Closed,
    double ClosureRate,
    double? MedianHoursToClose,
    IReadOnlyList<HazardWeekRow> Weeks,
    IReadOnlyList<HazardDeviceCount> TopDevices);
