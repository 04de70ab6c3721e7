using Dapper;
using IoTFireAlert.Server.Storage;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace IoTFireAlert.Server.Tests.SqliteStorage;

public sealed class PreparedStatementConnectionTests : IDisposable
{
    private const string Insert = "INSERT INTO note (key, body, weight) VALUES (@key, @body, @weight) RETURNING id";
    private const int SqliteStatementStatusRun = 6; // SQLITE_STMTSTATUS_RUN, sqlite3.h
    private const string ByKey = "SELECT id AS Id, key AS Key, body AS Body, weight AS Weight FROM note WHERE key = @key";

    private readonly SqliteConnection _sqlite = new("Data Source=:memory:");
    private readonly PreparedStatementConnection _connection;

    public PreparedStatementConnectionTests()
    {
        _sqlite.Open();
        _sqlite.Handle!.enable_sqlite3_next_stmt(true); // lets RunsOf walk the native connection's statements
        _sqlite.Execute("CREATE TABLE note (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, body TEXT, weight REAL)");
        _connection = new PreparedStatementConnection(_sqlite);
    }

    public void Dispose()
    {
        _connection.Dispose();
        _sqlite.Dispose();
    }

    [Fact]
    public void DapperCalls_RunOnOneStatementPerText_PreparedOnce()
    {
        using (var transaction = _connection.Inner.BeginTransaction())
        {
            for (var i = 0; i < 100; i++)
            {
                var id = _connection.ExecuteScalar<long>(Insert, new { key = $"k{i}", body = i % 2 == 0 ? null : $"b{i}", weight = i * 0.5 }, transaction);
                Assert.Equal(i + 1, id);
            }

            transaction.Commit();
        }

        for (var i = 0; i < 100; i++)
        {
            var note = _connection.QuerySingleOrDefault<Note>(ByKey, new { key = $"k{i}" });
            // Each call's own values: a null body binds NULL, not the previous call's text.
            Assert.Equal(new Note(i + 1, $"k{i}", i % 2 == 0 ? null : $"b{i}", i * 0.5), note);
        }

        Assert.Null(_connection.QuerySingleOrDefault<Note>(ByKey, new { key = "missing" }));
        Assert.Equal(2, _connection.PreparedCount);
        // The native connection holds one statement per text, run once per call (Dapper alone prepares
        // and finalizes a statement per call: none would be left).
        Assert.Equal(100, RunsOf(Insert));
        Assert.Equal(101, RunsOf(ByKey));
    }

    [Fact]
    public void FailedStatement_RolledBack_SameTextRunsAgain()
    {
        _connection.Execute(Insert, new { key = "a", body = "first", weight = 1.0 });
        using (var transaction = _connection.Inner.BeginTransaction())
        {
            _connection.Execute(Insert, new { key = "b", body = "kept?", weight = 2.0 }, transaction);
            Assert.Throws<SqliteException>(() => _connection.Execute(Insert, new { key = "a", body = "twice", weight = 3.0 }, transaction));
            transaction.Rollback();
        }

        Assert.Equal(2, _connection.ExecuteScalar<long>(Insert, new { key = "b", body = "second", weight = 2.0 }));
        Assert.Equal(["a", "b"], _connection.Query<string>("SELECT key FROM note ORDER BY id"));
        Assert.Equal(["a", "b"], _connection.Query<string>("SELECT key FROM note ORDER BY id"));
    }

    [Fact]
    public void CommandWithoutTheOpenTransaction_IsRefused_AsOnTheWrappedConnection()
    {
        using var transaction = _connection.Inner.BeginTransaction();
        Assert.Throws<InvalidOperationException>(() => _connection.Execute(Insert, new { key = "x", body = "y", weight = 0.0 }));
    }

    /// <summary>How often the native connection's prepared statement for <paramref name="sql"/> has run; 0 when there is none.</summary>
    private long RunsOf(string sql)
    {
        var database = _sqlite.Handle!;
        for (var statement = raw.sqlite3_next_stmt(database, null); statement is not null && !statement.IsInvalid; statement = raw.sqlite3_next_stmt(database, statement))
        {
            if (raw.sqlite3_sql(statement).utf8_to_string() == sql)
            {
                return raw.sqlite3_stmt_status(statement, SqliteStatementStatusRun, 0);
            }
        }

        return 0;
    }

    private sealed record Note(long Id, string Key, string? Body, double Weight);
}
