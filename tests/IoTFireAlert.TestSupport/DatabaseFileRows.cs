using Microsoft.Data.Sqlite;

namespace IoTFireAlert.TestSupport;

/// <summary>
/// Rows of a table in an SQLite database file alone, without its write-ahead log: what a checkpoint
/// has copied into the file. The file is copied first (a log beside the original would be read).
/// </summary>
public static class DatabaseFileRows
{
    /// <summary>Rows of <paramref name="table"/> in a copy of <paramref name="database"/>; 0 while the copy caught a checkpoint half-way (a torn file).</summary>
    public static long Count(string database, string table)
    {
        var copy = database + ".file-only";
        File.Copy(database, copy, overwrite: true);
        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = copy, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE name = $table";
            command.Parameters.AddWithValue("$table", table);
            if ((long)command.ExecuteScalar()! == 0)
            {
                return 0;
            }

            command.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
            return (long)command.ExecuteScalar()!;
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 11 or 26) // SQLITE_CORRUPT, SQLITE_NOTADB
        {
            return 0;
        }
        finally
        {
            File.Delete(copy);
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the file alone to hold <paramref name="expected"/> rows; returns the last count.</summary>
    public static async Task<long> WaitForAsync(string database, string table, long expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var rows = Count(database, table);
        while (rows < expected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            rows = Count(database, table);
        }

        return rows;
    }
}
