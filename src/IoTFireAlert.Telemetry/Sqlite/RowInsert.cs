using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace IoTFireAlert.Telemetry.Sqlite;

/// <summary>
/// The one statement run for every report: <c>INSERT INTO reading_stage_K VALUES (time, tags, fields)</c>,
/// prepared once a stage table and bound natively. Through <see cref="SqliteCommand"/> each row boxed its values and
/// went through the command's parameter and reader machinery, which cost more than SQLite's own insert;
/// here a row is three binds (the fields as UTF-8 JSON straight from the batch's buffer), one step and
/// a reset. Runs on the store's connection, inside its transaction.
/// </summary>
internal sealed class RowInsert : IDisposable
{
    private readonly sqlite3 _database;
    private readonly sqlite3_stmt[] _statements;

    public RowInsert(SqliteConnection connection)
    {
        _database = RawStatement.Database(connection);
        _statements = [.. SqliteTelemetryStore.StageTableNames.Select(table =>
            RawStatement.Prepare(_database, $"INSERT INTO {table} (time_ms, tags_id, fields) VALUES (?1, ?2, ?3)"))];
    }

    /// <summary>Appends a report to stage table <paramref name="table"/>.</summary>
    public void Insert(int table, long timeMs, long tagsId, ReadOnlySpan<byte> fieldsJson)
    {
        var statement = _statements[table];
        raw.sqlite3_bind_int64(statement, 1, timeMs);
        raw.sqlite3_bind_int64(statement, 2, tagsId);
        raw.sqlite3_bind_text(statement, 3, fieldsJson);
        RawStatement.Run(_database, statement);
    }

    public void Dispose()
    {
        foreach (var statement in _statements)
        {
            statement.Dispose();
        }
    }
}
