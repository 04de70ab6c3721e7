using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace IoTFireAlert.Telemetry.Sqlite;

/// <summary>
/// Statements the store's writer runs natively on its connection, prepared once: bound and stepped
/// without <see cref="SqliteCommand"/>'s per-execution objects. Errors become <see cref="SqliteException"/>
/// like everywhere else.
/// </summary>
internal static class RawStatement
{
    public static sqlite3 Database(SqliteConnection connection) =>
        connection.Handle ?? throw new InvalidOperationException("the connection is not open");

    public static sqlite3_stmt Prepare(sqlite3 database, string sql)
    {
        var rc = raw.sqlite3_prepare_v2(database, sql, out var statement);
        SqliteException.ThrowExceptionForRC(rc, database);
        return statement;
    }

    /// <summary>Steps a statement that returns no rows and resets it for its next use.</summary>
    public static void Run(sqlite3 database, sqlite3_stmt statement)
    {
        var rc = raw.sqlite3_step(statement);
        raw.sqlite3_reset(statement);
        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, database);
        }
    }
}
