namespace IoTFireAlert.Telemetry;

/// <summary>One value of one field at one time; flags read back as 1 or 0.</summary>
public readonly record struct SeriesPoint(DateTimeOffset Time, string Field, double Value);
