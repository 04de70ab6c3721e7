using IoTFireAlert.Server.Metrics;
using IoTFireAlert.Telemetry.Sqlite;

namespace IoTFireAlert.Server.Storage;

/// <summary>
/// Copies the alarm database's write-ahead log into its file every 200 ms from a connection of its
/// own (<see cref="WalCheckpointer"/>). Left to SQLite's automatic checkpoint, whichever writer
/// committed the 1,000th page of log (the alarm writer, most often) spent 8-20 ms in <c>fsync</c>
/// every second or two under load, and an alarm arriving meanwhile waited that long.
/// </summary>
public sealed class DatabaseCheckpointer(SqliteDatabase database, ILogger<DatabaseCheckpointer> logger) : IHostedService, IMetricsSource, IAsyncDisposable
{
    private WalCheckpointer? _checkpointer;
    private int _stopped;

    public void WriteMetrics(PrometheusWriter writer) =>
        writer.Counter("iotfire_storage_checkpoints_total", "Times the alarm database's write-ahead log was copied into its file (off the writers' threads).", _checkpointer?.Checkpoints ?? 0);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _checkpointer = new WalCheckpointer(database.ConnectionString,
            (e, _) => logger.LogError(e, "checkpointing the alarm database failed; tried again after the next commit"));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync().ConfigureAwait(false);

    /// <summary>Stops the checkpointer; the host's container calls this after <see cref="StopAsync"/>, so once is enough.</summary>
    public async ValueTask DisposeAsync()
    {
        // The checkpointer stays for /metrics: its count is still read after it stopped.
        if (Interlocked.Exchange(ref _stopped, 1) == 0 && _checkpointer is { } checkpointer)
        {
            await checkpointer.DisposeAsync().ConfigureAwait(false);
        }
    }
}
