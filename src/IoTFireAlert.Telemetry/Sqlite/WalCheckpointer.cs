using Microsoft.Data.Sqlite;

namespace IoTFireAlert.Telemetry.Sqlite;

/// <summary>
/// Copies a database's write-ahead log into the database file from a connection of its own, so the
/// writers never wait for it. A checkpoint reads the log's pages, writes them into the file and
/// syncs both; done by a writer (SQLite's automatic checkpoint after every 1,000 pages of log) it
/// held the telemetry writer in <c>fsync</c> for a fifth of its time at 70,000 reports a second, and
/// the alarm writer 8-20 ms every second or two. The writers' own automatic checkpoint stays, with a
/// much larger threshold, as the backstop that bounds the log if this one falls behind.
/// </summary>
public sealed class WalCheckpointer : IAsyncDisposable
{
    /// <summary>
    /// For every writer's connection beside a checkpointer: its own automatic checkpoint only past 16,384
    /// pages (64 MiB) of log, the backstop that bounds the log if the checkpointer falls behind.
    /// </summary>
    public const string WriterBackstopPragma = "PRAGMA wal_autocheckpoint = 16384;";

    /// <summary>Time between passes.</summary>
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _checkpoint;
    private readonly SqliteCommand _dataVersion;
    private readonly Action<Exception, int>? _failed;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _checkpoints;

    /// <param name="connectionString">The database; a pass runs every 200 ms when another connection has committed since the last.</param>
    /// <param name="failed">Told when a pass failed (tried again after the next commit).</param>
    /// <param name="nice">Linux nice value of its thread (0: as the rest of the process).</param>
    public WalCheckpointer(string connectionString, Action<Exception, int>? failed, int nice = 0)
    {
        _connection = new SqliteConnection(connectionString);
        _connection.Open();
        _checkpoint = _connection.CreateCommand();
        _checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        // Changes whenever another connection commits (https://sqlite.org/pragma.html#pragma_data_version).
        _dataVersion = _connection.CreateCommand();
        _dataVersion.CommandText = "PRAGMA data_version";
        _failed = failed;
        // A thread of its own: a pass blocks in fsync for tens of milliseconds.
        _loop = BackgroundThread.Start("wal-checkpoint", nice, CheckpointUntilStopped);
    }

    /// <summary>Checkpoint passes run (each copies what it can of the log into the database file).</summary>
    public long Checkpoints => Volatile.Read(ref _checkpoints);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        await _checkpoint.DisposeAsync().ConfigureAwait(false);
        await _dataVersion.DisposeAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private void CheckpointUntilStopped()
    {
        var checkpointedAt = -1L;
        var failing = false;
        while (!_stop.Token.WaitHandle.WaitOne(Interval))
        {
            // Tried again only after new commits, and a failing disk is reported once per streak, not
            // five times a second; the writers' own checkpoint is still there behind this one.
            try
            {
                var version = (long)_dataVersion.ExecuteScalar()!;
                if (version == checkpointedAt)
                {
                    continue;
                }

                checkpointedAt = version;
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
