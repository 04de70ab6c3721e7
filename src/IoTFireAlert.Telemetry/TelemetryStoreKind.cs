namespace IoTFireAlert.Telemetry;

/// <summary>Where time series go.</summary>
public enum TelemetryStoreKind : byte
{
    /// <summary>The embedded SQLite file (default: runs with nothing else installed).</summary>
    Sqlite = 0,

    InfluxDb = 1,
}
