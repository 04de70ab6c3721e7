using System.Reflection;
using System.Runtime.CompilerServices;
using Dapper;
using Microsoft.Data.Sqlite;

namespace IoTFireAlert.Server.Storage;

/// <summary>
/// The embedded SQLite store: opens connections with the pragmas every writer needs and applies
/// the schema at start. WAL lets the API read while the alarm writer commits.
/// </summary>
public sealed class SqliteDatabase
{
    private const int PragmasWithoutForeignKeys = 1;
    private const int PragmasWithForeignKeys = 2;

    /// <summary>Which pragmas each pooled native connection has had (by its handle, which lives as long as it does).</summary>
    private static readonly ConditionalWeakTable<SQLitePCL.sqlite3, StrongBox<int>> s_pragmasApplied = new();

    /// <summary>
    /// A writer copies the log into the database file itself (and syncs both, 8-20 ms here) only past
    /// 64 MiB of log: <see cref="DatabaseCheckpointer"/> does it off their path. Without it (tools,
    /// tests) the log simply grows that far before a writer checkpoints.
    /// </summary>
    private const string Checkpoint = Telemetry.Sqlite.WalCheckpointer.WriterBackstopPragma;

    private readonly string _synchronous;

    public SqliteDatabase(string path, string synchronous = "NORMAL")
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        Path = path;
        _synchronous = synchronous.ToUpperInvariant() switch
        {
            "FULL" => "FULL",
            "NORMAL" => "NORMAL",
            "EXTRA" => "EXTRA",
            _ => throw new ArgumentException($"Storage:Synchronous must be NORMAL, FULL or EXTRA, not '{synchronous}'.", nameof(synchronous)),
        };
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public string Path { get; }

    /// <summary>For connections that need none of the pragmas (the checkpointer's).</summary>
    internal string ConnectionString { get; }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        // NORMAL in WAL mode survives a process crash (kill -9): a committed transaction is in the
        // WAL file before commit returns. FULL also survives power loss, at a cost per commit.
        var applied = PragmasApplied(connection);
        if (applied.Value < PragmasWithForeignKeys)
        {
            connection.Execute($"PRAGMA synchronous = {_synchronous}; PRAGMA busy_timeout = 30000; {Checkpoint} PRAGMA foreign_keys = ON;");
            applied.Value = PragmasWithForeignKeys;
        }

        return connection;
    }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        var applied = PragmasApplied(connection);
        if (applied.Value < PragmasWithoutForeignKeys)
        {
            await connection.ExecuteAsync($"PRAGMA synchronous = {_synchronous}; PRAGMA busy_timeout = 30000; {Checkpoint}").ConfigureAwait(false);
            applied.Value = PragmasWithoutForeignKeys;
        }

        return connection;
    }

    /// <summary>
    /// Which of the pragmas of Open / OpenAsync the pooled native connection behind <paramref name="connection"/> has
    /// had; they last as long as it does, and one caller at a time holds it. Running them on every open
    /// cost a command per open: two statements prepared and a weak GC handle (Microsoft.Data.Sqlite
    /// tracks each command), handles whose clean-up lengthened the collections under load.
    /// </summary>
    private static StrongBox<int> PragmasApplied(SqliteConnection connection) =>
        s_pragmasApplied.GetValue(connection.Handle!, _ => new StrongBox<int>());

    public void ApplySchema()
    {
        using var connection = Open();
        foreach (var resource in (string[])["IoTFireAlert.Server.Storage.Schema.sql", "IoTFireAlert.Server.Storage.HazardSchema.sql"])
        {
            using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"the schema resource {resource} is missing from the build");
            using var reader = new StreamReader(stream);
            connection.Execute(reader.ReadToEnd());
        }
    }
}
