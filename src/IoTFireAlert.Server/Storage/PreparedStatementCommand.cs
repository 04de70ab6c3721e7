using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.Sqlite;

namespace IoTFireAlert.Server.Storage;

/// <summary>
/// What Dapper creates on a <see cref="PreparedStatementConnection"/>: holds the call's text, transaction and
/// parameters, and runs them on the connection's kept command for that text. Disposing it keeps that command.
/// </summary>
internal sealed class PreparedStatementCommand(PreparedStatementConnection owner) : DbCommand
{
    private readonly PreparedStatementParameters _parameters = new();

    [AllowNull]
    public override string CommandText { get; set; } = "";

    public override int CommandTimeout { get; set; } = 30;

    public override CommandType CommandType
    {
        get => CommandType.Text;
        set
        {
            if (value != CommandType.Text)
            {
                throw new NotSupportedException($"SQLite runs text commands only, not {value}");
            }
        }
    }

    public override bool DesignTimeVisible { get; set; }

    public override UpdateRowSource UpdatedRowSource { get; set; }

    protected override DbConnection? DbConnection
    {
        get => owner;
        set
        {
            if (!ReferenceEquals(value, owner))
            {
                throw new NotSupportedException("a prepared statement runs on the connection that created it");
            }
        }
    }

    protected override DbParameterCollection DbParameterCollection => _parameters;

    protected override DbTransaction? DbTransaction { get; set; }

    public override void Cancel()
    {
        // SQLite statements run to completion on the caller's thread; there is nothing to interrupt.
    }

    public override int ExecuteNonQuery() => Bound().ExecuteNonQuery();

    public override object? ExecuteScalar() => Bound().ExecuteScalar();

    public override void Prepare()
    {
        // Prepared on first execution and kept by the connection.
    }

    protected override DbParameter CreateDbParameter() => new SqliteParameter();

    protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior) => Bound().ExecuteReader(behavior);

    /// <summary>The kept command for this text, with this call's transaction and parameters.</summary>
    private SqliteCommand Bound()
    {
        var command = owner.For(CommandText);
        command.Transaction = (SqliteTransaction?)DbTransaction;
        command.CommandTimeout = CommandTimeout;
        command.Parameters.Clear();
        foreach (var parameter in _parameters.Items)
        {
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
