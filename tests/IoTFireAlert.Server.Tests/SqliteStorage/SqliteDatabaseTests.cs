using Dapper;
using IoTFireAlert.Server.Storage;
using Microsoft.Data.Sqlite;

namespace IoTFireAlert.Server.Tests.SqliteStorage;

public sealed class SqliteDatabaseTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "iotfire-db-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task EveryOpenedConnection_HasThePragmas_ReusedFromThePoolOrNew()
    {
        var database = new SqliteDatabase(Path.Combine(_directory, "iotfire.db"), "FULL");
        database.ApplySchema();
        SqliteConnection.ClearAllPools();

        for (var round = 0; round < 3; round++)
        {
            // Twice from the pool (the pragmas are run only once per native connection), then a new one.
            for (var open = 0; open < 2; open++)
            {
                await using (var connection = await database.OpenAsync(CancellationToken.None))
                {
                    Assert.Equal(2, await connection.ExecuteScalarAsync<long>("PRAGMA synchronous")); // FULL
                    Assert.Equal(30000, await connection.ExecuteScalarAsync<long>("PRAGMA busy_timeout"));
                }

                using (var connection = database.Open())
                {
                    Assert.Equal(2, connection.ExecuteScalar<long>("PRAGMA synchronous"));
                    Assert.Equal(30000, connection.ExecuteScalar<long>("PRAGMA busy_timeout"));
                    Assert.Equal(1, connection.ExecuteScalar<long>("PRAGMA foreign_keys"));
                }
            }

            SqliteConnection.ClearAllPools();
        }
    }
}
