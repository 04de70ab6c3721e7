using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace IoTFireAlert.Telemetry.Sqlite;

/// <summary>
/// BEGIN, COMMIT and ROLLBACK for the store's writer, prepared once and run natively. A
/// <see cref="SqliteTransaction"/> prepares a fresh command for BEGIN and for COMMIT and registers a
/// rollback hook each time: a weak reference, GC handles and finalizable statement handles per
/// transaction. At hundreds of transactions a second that was most of the store's garbage, and
/// destroying those handles was the longest part of the server's GC pauses. Commands run between
/// <see cref="Begin"/> and <see cref="Commit"/> take part in the transaction as SQLite sees it.
/// </summary>
internal sealed class NativeTransaction : IDisposable
{
    private readonly sqlite3 _database;
    private readonly sqlite3_stmt _begin;
    private readonly sqlite3_stmt _commit;
    private readonly sqlite3_stmt _rollback;

    public NativeTransaction(SqliteConnection connection)
    {
        _database = RawStatement.Database(connection);
        _begin = RawStatement.Prepare(_database, "BEGIN");
        _commit = RawStatement.Prepare(_database, "COMMIT");
        _rollback = RawStatement.Prepare(_database, "ROLLBACK");
    }

    public void Begin() => RawStatement.Run(_database, _begin);

    public void Commit() => RawStatement.Run(_database, _commit);

    /// <summary>
    /// Undoes an open transaction after a failed statement; a no-op when SQLite already rolled it back.
    /// Never throws: it runs in the writer's error path, and a rollback that fails shows again as the
    /// next BEGIN failing, which is reported like any failed transaction.
    /// </summary>
    public void Rollback()
    {
        if (raw.sqlite3_get_autocommit(_database) == 0)
        {
            raw.sqlite3_step(_rollback);
            raw.sqlite3_reset(_rollback);
        }
    }

    public void Dispose()
    {
        _begin.Dispose();
        _commit.Dispose();
        _rollback.Dispose();
    }
}
