using IoTFireAlert.Telemetry.InfluxDb;
using IoTFireAlert.Telemetry.Sqlite;

namespace IoTFireAlert.Telemetry;

/// <summary>The configured store's sink and reader, opened together from <see cref="TelemetryOptions"/>.</summary>
public sealed class TelemetryStore : IAsyncDisposable
{
    private readonly IDisposable? _ownedReader;

    private TelemetryStore(ITelemetrySink sink, ITelemetryReader reader, IDisposable? ownedReader)
    {
        Sink = sink;
        Reader = reader;
        _ownedReader = ownedReader;
    }

    public ITelemetrySink Sink { get; }

    public ITelemetryReader Reader { get; }

    /// <summary>Opens the store; throws <see cref="ArgumentException"/> listing every configuration problem.</summary>
    /// <param name="options">The bound <c>Telemetry</c> section.</param>
    /// <param name="deadLetter">InfluxDB only: receives lines the server refused.</param>
    /// <param name="sqliteWriteFailed">Embedded store only: a failed transaction and the rows it lost.</param>
    public static TelemetryStore Open(TelemetryOptions options, Action<DeadLetter>? deadLetter = null, Action<Exception, int>? sqliteWriteFailed = null)
    {
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid telemetry configuration: " + string.Join(" ", errors), nameof(options));
        }

        if (options.Store == TelemetryStoreKind.InfluxDb)
        {
            var reader = new InfluxDbReader(options.InfluxDb);
            return new TelemetryStore(new InfluxDbTelemetrySink(new InfluxDbWriter(options.InfluxDb, deadLetter)), reader, reader);
        }

        var store = new SqliteTelemetryStore(options.Sqlite, writeFailed: sqliteWriteFailed);
        return new TelemetryStore(store, store, null);
    }

    public async ValueTask DisposeAsync()
    {
        await Sink.DisposeAsync().ConfigureAwait(false);
        _ownedReader?.Dispose();
    }
}
