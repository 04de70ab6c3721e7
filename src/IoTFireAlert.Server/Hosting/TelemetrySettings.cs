using IoTFireAlert.Telemetry.InfluxDb;
using IoTFireAlert.Telemetry.Sqlite;

namespace IoTFireAlert.Server.Hosting;

/// <summary>Configuration section "Telemetry": the embedded SQLite store (default) or InfluxDB.</summary>
public sealed class TelemetrySettings
{
    /// <summary>"sqlite" (embedded, no server needed) or "influxdb" (1.x or 2.x/3.x, see InfluxDb:ApiVersion).</summary>
    public string Store { get; set; } = "sqlite";

    public SqliteTelemetryOptions Sqlite { get; set; } = new() { Path = ".data/telemetry.db" };

    public InfluxDbOptions InfluxDb { get; set; } = new() { SpillDirectory = ".data/influx-spill" };

    public bool UsesInfluxDb => Store.Equals("influxdb", StringComparison.OrdinalIgnoreCase);

    public string? Validate()
    {
        if (!UsesInfluxDb && !Store.Equals("sqlite", StringComparison.OrdinalIgnoreCase))
        {
            return $"Telemetry:Store must be sqlite or influxdb, not '{Store}'";
        }

        var problems = UsesInfluxDb ? InfluxDb.Validate() : Sqlite.Validate();
        return problems.Count == 0 ? null : "Telemetry: " + string.Join("; ", problems);
    }
}
