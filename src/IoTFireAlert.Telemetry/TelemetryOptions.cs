using IoTFireAlert.Telemetry.InfluxDb;
using IoTFireAlert.Telemetry.Sqlite;

namespace IoTFireAlert.Telemetry;

/// <summary>The <c>Telemetry</c> configuration section: which store, and each store's options.</summary>
public sealed class TelemetryOptions
{
    public TelemetryStoreKind Store { get; set; } = TelemetryStoreKind.Sqlite;

    public InfluxDbOptions InfluxDb { get; set; } = new();

    public SqliteTelemetryOptions Sqlite { get; set; } = new();

    /// <summary>Problems with the chosen store's options, each a sentence; empty when valid.</summary>
    public IReadOnlyList<string> Validate() => Store switch
    {
        TelemetryStoreKind.Sqlite => Sqlite.Validate(),
        TelemetryStoreKind.InfluxDb => InfluxDb.Validate(),
        _ => [$"Telemetry:Store '{Store}' is not Sqlite or InfluxDb."],
    };
}
