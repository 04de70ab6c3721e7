using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace IoTFireAlert.Telemetry.Sqlite;

/// <summary>
/// The one statement run for every reading: <c>INSERT INTO reading_point VALUES (time, series, value)</c>,
/// prepared once and bound natively. Through <see cref="SqliteCommand"/> each row boxed three values and
/// went through the command's parameter and reader machinery, which cost more than SQLite's own insert;
/// here a row is three binds, one step and a reset. Runs on the store's connection, inside its transaction.
/// </summary>
internal sealed class PointInsert : IDisposable
{
    private readonly sqlite3 _database;
    private readonly sqlite3_stmt _statement;

    public PointInsert(SqliteConnection connection)
    {
        _database = connection.Handle ?? throw new InvalidOperationException("the connection is not open");
        var rc = raw.sqlite3_prepare_v2(_database, "INSERT INTO reading_point (time_ms, series_id, value) VALUES (?1, ?2, ?3)", out _statement);
        SqliteException.ThrowExceptionForRC(rc, _database);
    }

    public void Insert(long timeMs, long seriesId, double value)
    {
        raw.sqlite3_bind_int64(_statement, 1, timeMs);
        raw.sqlite3_bind_int64(_statement, 2, seriesId);
        raw.sqlite3_bind_double(_statement, 3, value);
        var rc = raw.sqlite3_step(_statement);
        raw.sqlite3_reset(_statement);
        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, _database);
        }
    }

    public void Dispose() => _statement.Dispose();
}
