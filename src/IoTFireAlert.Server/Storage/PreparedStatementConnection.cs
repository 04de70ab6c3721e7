using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.Sqlite;

namespace IoTFireAlert.Server.Storage;

/// <summary>
/// A long-lived SQLite connection for Dapper on which each SQL text is prepared once and its command
/// reused. Dapper creates, runs and disposes a command per call; on a <see cref="SqliteConnection"/>
/// that is a fresh statement preparation and a weak GC handle (the connection tracks every command it
/// has), about fifty per raised alarm on the alarm writer, whose clean-up lengthened the collections
/// under load. Here Dapper gets a light <see cref="PreparedStatementCommand"/> per call that runs on the
/// one kept <see cref="SqliteCommand"/> for its text. One caller at a time, as with any connection.
/// Transactions are begun on the wrapped connection and passed to Dapper as usual.
/// </summary>
public sealed class PreparedStatementConnection(SqliteConnection connection) : DbConnection
{
    private readonly Dictionary<string, SqliteCommand> _prepared = new(StringComparer.Ordinal);

    /// <summary>The wrapped connection: begin transactions on it.</summary>
    public SqliteConnection Inner => connection;

    /// <summary>Distinct SQL texts prepared so far: each is prepared once for the connection's life.</summary>
    public int PreparedCount => _prepared.Count;

    [AllowNull]
    public override string ConnectionString
    {
        get => connection.ConnectionString;
        set => throw new NotSupportedException("the wrapped connection's connection string is fixed");
    }

    public override string Database => connection.Database;

    public override string DataSource => connection.DataSource;

    public override string ServerVersion => connection.ServerVersion;

    public override ConnectionState State => connection.State;

    public override void ChangeDatabase(string databaseName) => connection.ChangeDatabase(databaseName);

    public override void Open() => connection.Open();

    public override void Close() => connection.Close();

    /// <summary>The kept command for <paramref name="sql"/>, created on first use.</summary>
    internal SqliteCommand For(string sql)
    {
        if (!_prepared.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            _prepared.Add(sql, command);
        }

        return command;
    }

    protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) => connection.BeginTransaction(isolationLevel);

    protected override DbCommand CreateDbCommand() => new PreparedStatementCommand(this);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var command in _prepared.Values)
            {
                command.Dispose();
            }

            _prepared.Clear();
        }

        base.Dispose(disposing);
    }
}
