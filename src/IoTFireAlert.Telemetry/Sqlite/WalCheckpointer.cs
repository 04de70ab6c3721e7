using Microsoft.Data.Sqlite;

namespace IoTFireAlert.Telemetry.Sqlite;

/// <summary>
/// Copies the store's write-ahead log into the database file from a connection of its own, so the
/// writer never waits for it. A checkpoint reads the log's pages, writes them into the file and
/// syncs both; done by the writer (SQLite's automatic checkpoint after every 1,000 pages of log) it
/// held the writer in <c>fsync</c> for a fifth of its time at 70,000 reports a second. The writer's
/// own automatic checkpoint stays, with a much larger threshold, as the backstop that bounds the log
/// if this one falls behind.
/// </summary>
internal sealed class WalCheckpointer : IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _checkpoint;
    private readonly Func<long> _commits;
    private readonly TimeSpan _interval;
    private readonly Action<Exception, int>? _failed;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _checkpoints;

    /// <param name="connectionString">The store's database.</param>
    /// <param name="commits">The writer's commit count: a pass runs only when it has moved.</param>
    /// <param name="interval">Time between passes.</param>
    /// <param name="failed">Told when a pass failed (tried again at the next one).</param>
    public WalCheckpointer(string connectionString, Func<long> commits, TimeSpan interval, Action<Exception, int>? failed)
    {
        _connection = new SqliteConnection(connectionString);
        _connection.Open();
        _checkpoint = _connection.CreateCommand();
        _checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        _commits = commits;
        _interval = interval;
        _failed = failed;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Checkpoint passes run (each copies what it can of the log into the database file).</summary>
    public long Checkpoints => Volatile.Read(ref _checkpoints);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        await _checkpoint.DisposeAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var checkpointedAt = -1L;
        var failing = false;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_interval, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var commits = _commits();
            if (commits == checkpointedAt)
            {
                continue;
            }

            // Tried again only after new commits, and a failing disk is reported once per streak, not
            // five times a second; the writer's own checkpoint is still there behind this one.
            checkpointedAt = commits;
            try
            {
                // PASSIVE: copies what no reader still needs, never waits for the writer or readers
                // (a checkpoint it could not finish is a row saying so, not an error).
                using var result = _checkpoint.ExecuteReader();
                Interlocked.Increment(ref _checkpoints);
                failing = false;
            }
            catch (SqliteException e)
            {
                if (!failing)
                {
                    _failed?.Invoke(e, 0);
                }

                failing = true;
            }
        }
    }
}
