namespace IoTFireAlert.Server.Hazards;

/// <summary>
/// One grid in one ISO week: orders found that week, orders closed that week, and of those found
/// that week the share closed so far and the median hours they took (null when none is closed).
/// </summary>
public sealed record HazardWeekRow(string Grid, string Week, int Found, int Closed, double ClosureRate, double? MedianHoursToClose);
