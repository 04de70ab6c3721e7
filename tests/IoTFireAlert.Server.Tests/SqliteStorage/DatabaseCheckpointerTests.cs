using Dapper;
using IoTFireAlert.Server.Storage;
using IoTFireAlert.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace IoTFireAlert.Server.Tests.SqliteStorage;

public sealed class DatabaseCheckpointerTests : IDisposable
{
    // ~4 pages each: 400 commits make ~1,600 pages of log, past SQLite's default automatic checkpoint (1,000).
    private const int Commits = 400;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "iotfire-ckpt-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Writers_LeaveTheLogToTheCheckpointer_WhichCopiesItIntoTheFile()
    {
        var database = new SqliteDatabase(Path.Combine(_directory, "iotfire.db"));
        database.ApplySchema();

        // Closing the last connection to a database checkpoints its log. Other test classes clear the
        // connection pools at any moment (closing the writers' pooled connections), so one connection
        // outside the pool holds the database open for the whole test (a read puts it in WAL mode, where
        // it keeps its shared lock): whatever reaches the file is the checkpointer's.
        using var keeper = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database.Path, Pooling = false }.ToString());
        keeper.Open();
        keeper.ExecuteScalar<long>("SELECT COUNT(*) FROM sqlite_master");
        await WriteAsync(database);

        // The writers did not checkpoint on their own: the file alone has none of the rows yet.
        Assert.Equal(0, DatabaseFileRows.Count(database.Path, "note"));

        await using var checkpointer = new DatabaseCheckpointer(database, NullLogger<DatabaseCheckpointer>.Instance);
        await checkpointer.StartAsync(CancellationToken.None);
        Assert.Equal(Commits, await DatabaseFileRows.WaitForAsync(database.Path, "note", Commits, TimeSpan.FromSeconds(10)));
        await checkpointer.StopAsync(CancellationToken.None); // and disposed after it, as the host does
    }

    /// <summary>Commits, one by one, rows of a 16-KiB body each, through the connections the server's writers use.</summary>
    private static async Task WriteAsync(SqliteDatabase database)
    {
        using (var connection = database.Open())
        {
            connection.Execute("CREATE TABLE note (body BLOB NOT NULL)");
        }

        var body = new byte[16 * 1024];
        for (var i = 0; i < Commits; i++)
        {
            await using var connection = await database.OpenAsync(CancellationToken.None);
            await connection.ExecuteAsync("INSERT INTO note (body) VALUES (@body)", new { body });
        }
    }
}
