using IoTFireAlert.Server.Metrics;
using IoTFireAlert.Telemetry.Sqlite;

namespace IoTFireAlert.Server.Storage;

/// <summary>
/// Copies the alarm database's write-ahead log into its file every 200 ms from a connection of its
/// own. Left to SQLite's automatic checkpoint, whichever writer committed the 1,000th page of log
/// (the alarm writer, most often) spent 8-20 ms in <c>fsync</c> every second or two under load, and
/// an alarm arriving meanwhile waited that long.
/// </summary>
public sealed class DatabaseCheckpointer(SqliteDatabase database, ILogger<DatabaseCheckpointer> logger) : BackgroundService, IMetricsSource
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    private WalCheckpointer? _checkpointer;

    public void WriteMetrics(PrometheusWriter writer) =>
        writer.Counter("iotfire_storage_checkpoints_total", "Times the alarm database's write-ahead log was copied into its file (off the writers' threads).", _checkpointer?.Checkpoints ?? 0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var checkpointer = new WalCheckpointer(database.ConnectionString, Interval,
            (e, _) => logger.LogError(e, "checkpointing the alarm database failed; tried again after the next commit"));
        _checkpointer = checkpointer;
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the checkpointer's loop ends with it.
        }
    }
}
