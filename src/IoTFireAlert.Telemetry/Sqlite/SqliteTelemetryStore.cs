using System.Collections.Concurrent;
using System.Diagnostics;
using Dapper;
using IoTFireAlert.Ingestion;
using IoTFireAlert.Ingestion.Readings;
using IoTFireAlert.Telemetry.Points;
using Microsoft.Data.Sqlite;

namespace IoTFireAlert.Telemetry.Sqlite;

/// <summary>
/// The embedded time-series store, so the server runs without InfluxDB: the same schema as tables,
/// with a periodic sweep deleting rows older than the retention. Readings are by far the most rows,
/// so they are stored the way a report arrives: each device's tag set (measurement, device id, kind,
/// vendor, site, grid) once in <c>reading_tags</c>, each report as one row (time, tags id, its fields
/// as a JSON object) in <c>reading_row</c>; the view <c>reading</c> gives the long form back (one row
/// per field, through json_each). One insert per report instead of one per field: a smoke detector's
/// message is one row instead of five, an electrical-fire monitor's one instead of ten to fifteen.
/// Reports are first appended to the stage, eight tables without an index (<c>reading_stage_0</c> to
/// <c>_7</c>, a device's by its tag set's id), and moved into <c>reading_row</c> sorted by device every
/// <see cref="SqliteTelemetryOptions.StageInterval"/>; reads and the view cover them all. Each move is an
/// epoch: <c>reading_row</c> is indexed by epoch, device and time, so a move appends to the end of the
/// index instead of writing into every device's part of it, and a read looks its device up in each epoch
/// whose time range (<c>reading_epoch</c>) meets the range read.
/// Calls copy their rows into a bounded queue; one writer task inserts them in transactions, so
/// callers never contend on the database.
/// </summary>
public sealed class SqliteTelemetryStore : ITelemetrySink, ITelemetryReader
{
    /// <summary>
    /// The stage's tables, each table a slice of a move. A device's reports go to the table of its tag
    /// set's id, blocks of 64 ids in turn (indexed by device first, each slice then wrote its own part of
    /// the index; by epoch, the slices of a move interleave at the index's end). A slice reads its table once and empties it without reading its pages (SQLite drops them for a DELETE with
    /// no WHERE). One table with slices by id range cost twice the CPU a move and three times the log:
    /// each slice scanned the whole stage and its delete rewrote nearly every page of it
    /// (bench/sqlite/stage_layouts.py, bench/RESULTS.md).
    /// </summary>
    internal const int StageTables = 8;

    private const string IndexedTable = "reading_row";

    private const int StageBlockBits = 6;

    internal static readonly string[] StageTableNames = [.. Enumerable.Range(0, StageTables).Select(k => $"reading_stage_{k}")];

    private static readonly string StageTablesSchema = string.Concat(StageTableNames.Select(table =>
        $"CREATE TABLE IF NOT EXISTS {table} (time_ms INTEGER NOT NULL, tags_id INTEGER NOT NULL, fields TEXT NOT NULL);"));

    /// <summary>The tables reports are read from: the indexed one, then the stage's.</summary>
    private static readonly string[] ReadingTables = [IndexedTable, .. StageTableNames];

    private static readonly string ReadingViewArms = string.Join(" UNION ALL ", ReadingTables.Select(table =>
        "SELECT r.time_ms, t.measurement, t.device_id, t.kind, t.vendor, t.site, t.grid, f.key AS field, CAST(f.value AS REAL) AS value " +
        $"FROM {table} r JOIN reading_tags t ON t.id = r.tags_id JOIN json_each(r.fields) f")) + ";";

    /// <summary>
    /// A slice's statements, a stage table each: the move's epoch widened to the table's reports, the
    /// reports copied into the indexed table sorted by device, the table emptied. A device's reports of the
    /// whole stage go into its index page together, where inserted as they arrive nearly every report
    /// wrote an index page of its own (1.2 pages of log a report).
    /// </summary>
    private static readonly SliceStatements[] Slices = [.. StageTableNames.Select(table =>
        new SliceStatements(WidenEpoch(table), MoveIntoIndex(table), $"DELETE FROM {table}"))];

    /// <summary>
    /// A device's reports of one read, an arm a table: the indexed reports through their index, the
    /// staged ones (at most a stage) scanned. The device's tag sets are looked up first: joined row by
    /// row instead, a scan of a stage of 250,000 looked up a tag set for each of its rows (47 ms a read
    /// against 24). Built once for reads of all fields and once for reads of one.
    /// </summary>
    internal static readonly string ReadAllFields = ReadSql(oneField: false);

    private static readonly string ReadOneField = ReadSql(oneField: true);

    private static string ReadSql(bool oneField) => string.Join(" UNION ALL ", ReadingTables.Select(table =>
        $"SELECT r.time_ms AS TimeMs, f.key AS Field, CAST(f.value AS REAL) AS Value FROM {table} r JOIN json_each(r.fields) f " +
        (table == IndexedTable ? "WHERE r.epoch IN (SELECT epoch FROM reading_epoch WHERE max_time_ms >= @from AND min_time_ms < @to) AND " : "WHERE ") +
        "r.tags_id IN (SELECT id FROM reading_tags WHERE device_id = @deviceId) AND r.time_ms >= @from AND r.time_ms < @to" +
        (oneField ? " AND f.key = @field" : ""))) + " ORDER BY TimeMs, Field";

    /// <summary>Copies a table's reports into the indexed table as epoch <c>@epoch</c>, sorted by device and time.</summary>
    private static string MoveIntoIndex(string table) =>
        $"INSERT INTO {IndexedTable} (time_ms, tags_id, fields, epoch) SELECT time_ms, tags_id, fields, @epoch FROM {table} ORDER BY tags_id, time_ms";

    /// <summary>Widens epoch <c>@epoch</c>'s time range to a table's reports, in the transaction that moves them.</summary>
    private static string WidenEpoch(string table) =>
        $"INSERT INTO reading_epoch (epoch, min_time_ms, max_time_ms) SELECT @epoch, MIN(time_ms), MAX(time_ms) FROM {table} WHERE true HAVING COUNT(*) > 0 " +
        "ON CONFLICT (epoch) DO UPDATE SET min_time_ms = MIN(min_time_ms, excluded.min_time_ms), max_time_ms = MAX(max_time_ms, excluded.max_time_ms)";

    /// <summary>The stage table of a tag set.</summary>
    internal static int StageTableOf(long tagsId) => (int)((tagsId >> StageBlockBits) & (StageTables - 1));

    /// <summary>The stage of an earlier layout, one table: moved into the indexed table and dropped at open.</summary>
    private const string OneTableStage = "reading_recent";

    private static readonly string Schema = $"""
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = NORMAL;
        {WalCheckpointer.WriterBackstopPragma}
        CREATE TABLE IF NOT EXISTS reading_tags (
            id          INTEGER PRIMARY KEY,
            measurement TEXT    NOT NULL,
            device_id   TEXT    NOT NULL,
            kind        TEXT    NOT NULL,
            vendor      TEXT    NOT NULL,
            site        TEXT    NOT NULL,
            grid        TEXT    NOT NULL,
            UNIQUE (device_id, measurement, kind, vendor, site, grid));
        CREATE TABLE IF NOT EXISTS reading_row (
            time_ms INTEGER NOT NULL,
            tags_id INTEGER NOT NULL,
            fields  TEXT    NOT NULL,
            epoch   INTEGER NOT NULL DEFAULT 0);
        CREATE INDEX IF NOT EXISTS reading_row_epoch_tags_time ON reading_row (epoch, tags_id, time_ms);
        CREATE TABLE IF NOT EXISTS reading_epoch (
            epoch       INTEGER PRIMARY KEY,
            min_time_ms INTEGER NOT NULL,
            max_time_ms INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS reading_epoch_max_time ON reading_epoch (max_time_ms);
        {StageTablesSchema}
        DROP VIEW IF EXISTS reading;
        CREATE VIEW reading AS
            {ReadingViewArms}
        CREATE TABLE IF NOT EXISTS fleet_position (
            time_ms    INTEGER NOT NULL,
            vehicle_id TEXT    NOT NULL,
            lat        REAL    NOT NULL,
            lon        REAL    NOT NULL,
            speed_kmh  REAL,
            heading    REAL,
            status     TEXT);
        CREATE INDEX IF NOT EXISTS fleet_position_vehicle_time ON fleet_position (vehicle_id, time_ms);
        CREATE INDEX IF NOT EXISTS fleet_position_time ON fleet_position (time_ms);
        CREATE TABLE IF NOT EXISTS alarm_event (
            time_ms   INTEGER NOT NULL,
            device_id TEXT    NOT NULL,
            kind      TEXT    NOT NULL,
            vendor    TEXT    NOT NULL,
            site      TEXT    NOT NULL,
            grid      TEXT    NOT NULL,
            type      TEXT    NOT NULL,
            condition TEXT    NOT NULL,
            severity  INTEGER NOT NULL,
            active    INTEGER NOT NULL,
            value     REAL);
        CREATE INDEX IF NOT EXISTS alarm_event_device_time ON alarm_event (device_id, time_ms);
        CREATE INDEX IF NOT EXISTS alarm_event_time ON alarm_event (time_ms);
        """;

    /// <summary>
    /// Readings of an earlier layout, in long form (time_ms, measurement, device_id, kind, vendor, site,
    /// grid, field, value), moved into tag sets and rows once: the first layout was the flat table
    /// <c>reading</c> (renamed <c>reading_flat</c> for the move), the second one series per field
    /// (<c>reading_series</c>) with one point per value (<c>reading_point</c>).
    /// </summary>
    private const string FlatReadings = "reading_flat";


    private const string SeriesReadings =
        "(SELECT p.time_ms, s.measurement, s.device_id, s.kind, s.vendor, s.site, s.grid, s.field, p.value " +
        "FROM reading_point p JOIN reading_series s ON s.id = p.series_id)";

    private static string MoveReadings(string source) => $"""
        INSERT OR IGNORE INTO reading_tags (measurement, device_id, kind, vendor, site, grid)
            SELECT DISTINCT measurement, device_id, kind, vendor, site, grid FROM {source};
        INSERT INTO reading_row (time_ms, tags_id, fields)
            SELECT o.time_ms, t.id, json_group_object(o.field, o.value) FROM {source} o JOIN reading_tags t
            ON t.device_id = o.device_id AND t.measurement = o.measurement AND t.kind = o.kind
               AND t.vendor = o.vendor AND t.site = o.site AND t.grid = o.grid
            GROUP BY o.time_ms, t.id ORDER BY o.time_ms;
        """;

    /// <summary>
    /// Tag-set ids by device; cleared when full so memory stays bounded with a million devices
    /// (262,144 devices in ~8 MB; a million devices send too rarely for a bigger cache to pay).
    /// </summary>
    private const int TagsCacheLimit = 1 << 18;

    /// <summary>Write calls per transaction at most, so a backlog is committed in steps.</summary>
    private const int MaxRowBatchesPerTransaction = 1024;

    private readonly SqliteTelemetryOptions _options;
    private readonly string _connectionString;
    private readonly SqliteConnection _connection;
    private readonly HandOffQueue<SqliteRowBatch> _queue;
    // Emptied batches for reuse, never trimmed: a batch is allocated only when none is free, so the pool
    // holds at most what was once in use at the same time (the queue's capacity, the writer's transaction
    // and the callers filling one), ~16 MiB at the default. A backlog (a stage being moved) then meets
    // batches that are already old instead of fresh ones that live just long enough to be promoted: with
    // 4,096 kept, a traced 30 s at 23,000 msg/s promoted 177 MB and the collections paused the alarm path
    // up to 102 ms; with all kept, 19 MB and 19 ms (bench/RESULTS.md).
    private readonly ConcurrentQueue<SqliteRowBatch> _pool = new();
    private readonly TimeProvider _time;
    private readonly Task _loop;
    private readonly Dictionary<DeviceTags, long> _tagsIds = [];

    // Prepared once and reused by every transaction: preparing four statements per drain cost more
    // than the inserts themselves when drains are small.
    private readonly RowInsert _rowInsert;
    private readonly NativeTransaction _transaction;
    private readonly (SqliteCommand Command, SqliteParameter[] Parameters) _tagsUpsert;
    private readonly (SqliteCommand Command, SqliteParameter[] Parameters) _positionInsert;
    private readonly (SqliteCommand Command, SqliteParameter[] Parameters) _alarmInsert;
    private readonly Action<Exception, int>? _writeFailed;
    private readonly WalCheckpointer _checkpointer;
    private long _pointsWritten;
    private long _rowsDeleted;
    private long _rowsLost;
    private long _commits;
    private long _queueFullWaits;
    private long _batchesAllocated;
    private long _stagedRows;
    private long _stageMoves;
    private long _stageMoveTicks;
    private long _stagedSince;
    private long _moveNotBefore;
    private StageMove? _move;
    // The last epoch: each move indexes its reports as the next one.
    private long _epoch;
    // Bit k: stage table k holds reports (the writer's only).
    private int _stagedTables;
    private int _disposed;

    /// <param name="options">The bound <c>Telemetry:Sqlite</c> section.</param>
    /// <param name="timeProvider">Clock for the retention sweep.</param>
    /// <param name="writeFailed">
    /// Told when a transaction failed (disk full, I/O error) with the exception and how many rows it lost;
    /// the writer goes on with the next ones, so a failing disk never stalls ingestion.
    /// </param>
    public SqliteTelemetryStore(SqliteTelemetryOptions options, TimeProvider? timeProvider = null, Action<Exception, int>? writeFailed = null)
    {
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid SQLite telemetry options: " + string.Join(" ", errors), nameof(options));
        }

        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _writeFailed = writeFailed;
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(options.Path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        _connectionString = new SqliteConnectionStringBuilder { DataSource = options.Path, Pooling = true }.ToString();
        _connection = new SqliteConnection(_connectionString);
        _connection.Open();
        // An earlier layout is moved over once: the old view goes (it has the new one's name), the flat table is renamed.
        var flat = _connection.ExecuteScalar<string?>("SELECT type FROM sqlite_master WHERE name = 'reading'") == "table";
        var perField = TableExists("reading_point");
        if (flat)
        {
            _connection.Execute("ALTER TABLE reading RENAME TO reading_flat");
        }
        else if (perField)
        {
            _connection.Execute("DROP VIEW IF EXISTS reading");
        }

        // Reports indexed by device and time before epochs become epoch 0, already sorted by device.
        if (TableExists(IndexedTable) && _connection.ExecuteScalar<long>($"SELECT COUNT(*) FROM pragma_table_info('{IndexedTable}') WHERE name = 'epoch'") == 0)
        {
            using var migration = _connection.BeginTransaction();
            _connection.Execute($"ALTER TABLE {IndexedTable} ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0; DROP INDEX IF EXISTS reading_row_tags_time;", transaction: migration);
            migration.Commit();
        }

        _connection.Execute(Schema);
        if (flat || perField)
        {
            using var migration = _connection.BeginTransaction();
            _connection.Execute(MoveReadings(flat ? FlatReadings : SeriesReadings) + (flat ? "DROP TABLE reading_flat;" : "DROP TABLE reading_point; DROP TABLE reading_series;"), transaction: migration);
            migration.Commit();
        }

        if (TableExists(OneTableStage))
        {
            using var migration = _connection.BeginTransaction();
            _connection.Execute($"{MoveIntoIndex(OneTableStage)}; DROP TABLE {OneTableStage};", new { epoch = 0 }, migration);
            migration.Commit();
        }

        // The reports the layouts above left as epoch 0 get its time range once, after every move into it
        // (so also when an open was interrupted between them).
        if (_connection.ExecuteScalar<long>("SELECT COUNT(*) FROM reading_epoch WHERE epoch = 0") == 0)
        {
            _connection.Execute($"INSERT INTO reading_epoch SELECT 0, MIN(time_ms), MAX(time_ms) FROM {IndexedTable} WHERE epoch = 0 HAVING COUNT(*) > 0");
        }

        _epoch = _connection.ExecuteScalar<long>("SELECT COALESCE(MAX(epoch), 0) FROM reading_epoch");

        for (var k = 0; k < StageTables; k++)
        {
            var rows = _connection.ExecuteScalar<long>($"SELECT COUNT(*) FROM {StageTableNames[k]}");
            _stagedRows += rows;
            _stagedTables |= rows > 0 ? 1 << k : 0;
        }

        _stagedSince = Stopwatch.GetTimestamp();
        _rowInsert = new RowInsert(_connection);
        _transaction = new NativeTransaction(_connection);
        _tagsUpsert = Prepare(
            "INSERT INTO reading_tags (measurement, device_id, kind, vendor, site, grid) VALUES ($m, $d, $k, $v, $s, $g) " +
            "ON CONFLICT (device_id, measurement, kind, vendor, site, grid) DO UPDATE SET grid = excluded.grid RETURNING id",
            "$m", "$d", "$k", "$v", "$s", "$g");
        _positionInsert = Prepare("INSERT INTO fleet_position VALUES ($t, $id, $lat, $lon, $speed, $heading, $status)", "$t", "$id", "$lat", "$lon", "$speed", "$heading", "$status");
        _alarmInsert = Prepare("INSERT INTO alarm_event VALUES ($t, $d, $k, $v, $s, $g, $type, $c, $sev, $a, $x)", "$t", "$d", "$k", "$v", "$s", "$g", "$type", "$c", "$sev", "$a", "$x");
        _checkpointer = new WalCheckpointer(_connectionString, writeFailed, options.WriterNice);
        _queue = new HandOffQueue<SqliteRowBatch>(options.MaxPendingBatches);
        // A thread of its own (its transactions block; on a thread-pool worker, one of two on a two-core
        // machine, they held up the alarm path: bench/load.sh's half phase at ~13,800 msg/s, alarm p99
        // 83.6 ms with the writer on the pool, 20.3 ms here, bench/RESULTS.md), at the configured nice.
        _loop = BackgroundThread.Start("telemetry-writer", options.WriterNice, Write);
    }

    /// <summary>Values written (reading fields, positions, alarm events): what the store was asked to keep.</summary>
    public long PointsWritten => Volatile.Read(ref _pointsWritten);

    /// <summary>Rows removed by the retention sweep.</summary>
    public long RowsDeleted => Volatile.Read(ref _rowsDeleted);

    /// <summary>Rows (reports, positions, alarm events) lost because their transaction failed.</summary>
    public long RowsLost => Volatile.Read(ref _rowsLost);

    /// <summary>Transactions committed: with <see cref="PointsWritten"/>, how well writes are grouped.</summary>
    public long Commits => Volatile.Read(ref _commits);

    /// <summary>
    /// Writes that found the queue full and waited for the writer: each held up the partition that made
    /// it, and every message behind it, alarms included. Zero while the store keeps up.
    /// </summary>
    public long QueueFullWaits => Volatile.Read(ref _queueFullWaits);

    /// <summary>Batches allocated so far; the rest of the calls reused one the writer had emptied.</summary>
    internal long BatchesAllocated => Volatile.Read(ref _batchesAllocated);

    /// <summary>Batches queued for the writer (at most <see cref="SqliteTelemetryOptions.MaxPendingBatches"/>).</summary>
    public int QueuedBatches => _queue.Count;

    /// <summary>The writer thread's nice value as the kernel reports it (<see cref="SqliteTelemetryOptions.WriterNice"/>; 0 off Linux).</summary>
    public int WriterNice { get; private set; }

    /// <summary>Reports in the stage tables, waiting to be moved into the indexed <c>reading_row</c>.</summary>
    public long StagedRows => Volatile.Read(ref _stagedRows);

    /// <summary>Stages moved into the indexed table.</summary>
    public long StageMoves => Volatile.Read(ref _stageMoves);

    /// <summary>Time the writer spent moving stages (it queues what arrives meanwhile).</summary>
    public TimeSpan StageMoveTime => Stopwatch.GetElapsedTime(0, Volatile.Read(ref _stageMoveTicks));

    /// <summary>Times the log was copied into the database file off the writer's thread.</summary>
    public long Checkpoints => _checkpointer.Checkpoints;

    public ValueTask WriteReadingsAsync(DecodedBatch batch, ReadOnlyMemory<DeviceTags?> devices, long receivedUnixMs, CancellationToken cancellationToken = default)
    {
        var rows = Rent();
        var tags = devices.Span;
        for (var i = 0; i < batch.Count && i < tags.Length; i++)
        {
            if (tags[i] is not { } device)
            {
                continue;
            }

            ref var report = ref batch[i];
            rows.BeginRow();
            foreach (var reading in batch.Readings(report))
            {
                if (double.IsFinite(reading.Value))
                {
                    rows.Field(reading.Signal, reading.Channel, PointNames.IsFlag(reading.Signal) ? (reading.Value != 0 ? 1 : 0) : reading.Value);
                }
            }

            if ((report.Flags & ReportFlags.HasSequence) != 0)
            {
                rows.Field("seq"u8, report.Sequence);
            }

            if ((report.Flags & ReportFlags.Heartbeat) != 0)
            {
                rows.Field("heartbeat"u8, 1);
            }

            if ((report.Flags & ReportFlags.Test) != 0)
            {
                rows.Field("test"u8, 1);
            }

            rows.EndRow((report.Flags & ReportFlags.HasTimestamp) != 0 ? report.TimestampUnixMs : receivedUnixMs, device);
        }

        return Enqueue(rows, cancellationToken);
    }

    public ValueTask WritePositionsAsync(ReadOnlyMemory<FleetPosition> positions, CancellationToken cancellationToken = default)
    {
        var rows = Rent();
        foreach (ref readonly var position in positions.Span)
        {
            rows.Positions.Add(position);
        }

        return Enqueue(rows, cancellationToken);
    }

    public ValueTask WriteAlarmEventAsync(AlarmEvent alarm, CancellationToken cancellationToken = default)
    {
        var rows = Rent();
        rows.Alarms.Add(alarm);
        return Enqueue(rows, cancellationToken);
    }

    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var marker = Rent();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        marker.Flushed = done;
        await _queue.EnqueueAsync(marker, cancellationToken).ConfigureAwait(false);
        await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<SeriesPoint>> ReadAsync(string deviceId, DateTimeOffset from, DateTimeOffset to, string? field = null, CancellationToken cancellationToken = default)
    {
        using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(long TimeMs, string Field, double Value)>(new CommandDefinition(
            field is null ? ReadAllFields : ReadOneField,
            new { deviceId, from = from.ToUnixTimeMilliseconds(), to = to.ToUnixTimeMilliseconds(), field },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => new SeriesPoint(DateTimeOffset.FromUnixTimeMilliseconds(r.TimeMs), r.Field, r.Value))];
    }

    /// <summary>Positions of one vehicle in a time range, oldest first (for the trajectory view).</summary>
    public async Task<IReadOnlyList<FleetPosition>> ReadPositionsAsync(string vehicleId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(long TimeMs, string VehicleId, double Lat, double Lon, double? Speed, double? Heading, string? Status)>(new CommandDefinition(
            "SELECT time_ms, vehicle_id, lat, lon, speed_kmh, heading, status FROM fleet_position " +
            "WHERE vehicle_id = @vehicleId AND time_ms >= @from AND time_ms < @to ORDER BY time_ms",
            new { vehicleId, from = from.ToUnixTimeMilliseconds(), to = to.ToUnixTimeMilliseconds() },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => new FleetPosition(r.VehicleId, r.TimeMs, r.Lat, r.Lon, r.Speed ?? double.NaN, r.Heading ?? double.NaN, r.Status ?? ""))];
    }

    public async ValueTask DisposeAsync()
    {
        // Disposed twice in the server: by its TelemetryStore and by the host's container, which owns
        // what its factory registration returned (the sink).
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Complete();
        await _loop.ConfigureAwait(false);
        await _checkpointer.DisposeAsync().ConfigureAwait(false);
        _rowInsert.Dispose();
        _transaction.Dispose();
        foreach (var command in (SqliteCommand[])[_tagsUpsert.Command, _positionInsert.Command, _alarmInsert.Command])
        {
            await command.DisposeAsync().ConfigureAwait(false);
        }

        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private SqliteRowBatch Rent()
    {
        if (_pool.TryDequeue(out var rows))
        {
            return rows;
        }

        Interlocked.Increment(ref _batchesAllocated);
        return new SqliteRowBatch();
    }

    private ValueTask Enqueue(SqliteRowBatch rows, CancellationToken cancellationToken)
    {
        if (rows.IsEmpty)
        {
            _pool.Enqueue(rows);
            return ValueTask.CompletedTask;
        }

        if (_queue.TryEnqueue(rows))
        {
            return ValueTask.CompletedTask;
        }

        Interlocked.Increment(ref _queueFullWaits);
        return _queue.EnqueueAsync(rows, cancellationToken);
    }

    private void Write()
    {
        WriterNice = BackgroundThread.CurrentThreadNice();
        var pending = new List<SqliteRowBatch>();
        Sweep();
        var sweepDue = new CancellationTokenSource(_options.RetentionSweepInterval, _time);
        while (true)
        {
            if (sweepDue.IsCancellationRequested)
            {
                Sweep();
                sweepDue.Dispose();
                sweepDue = new CancellationTokenSource(_options.RetentionSweepInterval, _time);
            }

            // Drain what is queued into one transaction: one commit for many calls.
            while (pending.Count < MaxRowBatchesPerTransaction && _queue.TryDequeue(out var rows))
            {
                pending.Add(rows);
            }

            if (pending.Count > 0)
            {
                TryInsert(pending);
                MoveStagedWhenDue(backlog: _queue.Count);
                foreach (var rows in pending)
                {
                    rows.Flushed?.TrySetResult();
                    rows.Clear();
                    _pool.Enqueue(rows);
                }

                pending.Clear();
                continue;
            }

            // Sleep until rows arrive or the sweep falls due. One token for the whole sweep interval:
            // a timer, a linked source and a WhenAny per wake-up were a tenth of the server's garbage.
            try
            {
                if (!_queue.WaitForItems(sweepDue.Token))
                {
                    sweepDue.Dispose();
                    return;
                }

                if (_options.CommitDelay > TimeSpan.Zero)
                {
                    // The queue was empty: let more rows join this transaction (a real-clock pause, not
                    // the sweep's TimeProvider: it paces writes, it is not a time the store reports).
                    Thread.Sleep(_options.CommitDelay);
                }
            }
            catch (OperationCanceledException) when (sweepDue.IsCancellationRequested)
            {
                // The sweep is due: the top of the loop runs it.
            }
        }
    }

    /// <summary>
    /// Moves the staged reports into the indexed table once a stage is full or old enough, a slice after
    /// each commit. A slice that fails leaves its reports staged (still read); the move is tried again a
    /// stage later.
    /// </summary>
    private void MoveStagedWhenDue(int backlog)
    {
        // A backlog is committed before the next slice: one slice after each transaction of 1,024
        // calls let a move of eight slices fall ~20,000 calls behind at 23,000 msg/s, and a full queue
        // holds up the partitions and the alarms behind them. A stage twice its size moves regardless,
        // so a store that never catches up still indexes its reports.
        if (backlog >= MaxRowBatchesPerTransaction && _stagedRows < 2L * _options.StageMaxRows)
        {
            return;
        }

        var now = Stopwatch.GetTimestamp();
        if (_move is null)
        {
            var due = _stagedRows >= _options.StageMaxRows || (_stagedRows > 0 && Stopwatch.GetElapsedTime(_stagedSince, now) >= _options.StageInterval);
            if (!due || now < _moveNotBefore)
            {
                return;
            }

            _move = StartMove();
        }

        if (_move is not null)
        {
            MoveNextSlice();
        }
    }

    /// <summary>Moves the whole stage now (before a sweep, and at the writer's start).</summary>
    private void MoveStaged()
    {
        _move ??= StartMove();
        while (_move is not null)
        {
            MoveNextSlice();
        }
    }

    /// <summary>
    /// A move of the stage tables that hold reports now, a table a slice, a transaction a slice with the
    /// writer's commits between: a full stage moved at once held the writer ~0.9 s on a grown database,
    /// and the calls queued meanwhile outgrew the batch pool (fresh objects that lived long enough to be
    /// promoted, and collections that paused the alarm path).
    /// </summary>
    private StageMove? StartMove() => _stagedTables == 0 ? null : new StageMove(_stagedTables, ++_epoch, Stopwatch.GetTimestamp());

    private void MoveNextSlice()
    {
        var move = _move!;
        var started = Stopwatch.GetTimestamp();
        var table = move.NextTable;
        try
        {
            _transaction.Begin();
            var (widenEpoch, moveIntoIndex, empty) = Slices[table];
            var epoch = new { epoch = move.Epoch };
            _connection.Execute(widenEpoch, epoch);
            _connection.Execute(moveIntoIndex, epoch);
            var moved = _connection.Execute(empty);
            _transaction.Commit();
            Volatile.Write(ref _stagedRows, Math.Max(0, _stagedRows - moved));
            _stagedTables &= ~(1 << table);
            move.Done(table);
            Interlocked.Add(ref _stageMoveTicks, Stopwatch.GetTimestamp() - started);
            if (move.IsFinished)
            {
                // What arrived during the move is younger than its start.
                _stagedSince = move.Started;
                _move = null;
                Interlocked.Increment(ref _stageMoves);
            }
        }
        catch (SqliteException e)
        {
            _transaction.Rollback();
            MoveFailed(e);
        }
    }

    private void MoveFailed(SqliteException e)
    {
        _move = null;
        _moveNotBefore = Stopwatch.GetTimestamp() + (long)(_options.StageInterval.TotalSeconds * Stopwatch.Frequency);
        _writeFailed?.Invoke(e, 0);
    }

    private sealed record SliceStatements(string WidenEpoch, string MoveIntoIndex, string Empty);

    /// <summary>A move in progress: the stage tables (bits) still to move; reports that reach a moved table meanwhile wait for the next move.</summary>
    private sealed class StageMove(int tables, long epoch, long started)
    {
        private int _left = tables;

        /// <summary>The epoch its reports are indexed as, one for all its slices.</summary>
        public long Epoch { get; } = epoch;

        public long Started { get; } = started;

        public bool IsFinished => _left == 0;

        public int NextTable => System.Numerics.BitOperations.TrailingZeroCount(_left);

        public void Done(int table) => _left &= ~(1 << table);
    }

    private bool TableExists(string name) =>
        _connection.ExecuteScalar<long>("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @name", new { name }) > 0;

    private void Sweep()
    {
        try
        {
            // The staged reports first: the sweep deletes from the indexed table only.
            if (_stagedRows > 0)
            {
                MoveStaged();
            }

            DeleteExpired();
        }
        catch (SqliteException e)
        {
            _writeFailed?.Invoke(e, 0); // tried again at the next sweep
        }
    }

    private void TryInsert(List<SqliteRowBatch> batches)
    {
        try
        {
            _transaction.Begin();
            var (staged, tables) = Insert(batches);
            _transaction.Commit();
            _stagedTables |= tables;
            Interlocked.Increment(ref _commits);
            if (_stagedRows == 0)
            {
                _stagedSince = Stopwatch.GetTimestamp();
            }

            Volatile.Write(ref _stagedRows, _stagedRows + staged);
        }
        catch (SqliteException e)
        {
            _transaction.Rollback();
            _tagsIds.Clear(); // ids inserted by the rolled-back transaction are gone
            var lost = batches.Sum(b => b.Readings.Count + b.Positions.Count + b.Alarms.Count);
            Interlocked.Add(ref _rowsLost, lost);
            _writeFailed?.Invoke(e, lost);
        }
    }

    /// <returns>Reports staged, and the stage tables they went to (bits).</returns>
    private (long Staged, int Tables) Insert(List<SqliteRowBatch> batches)
    {
        var (tags, tp) = _tagsUpsert;
        var (position, pp) = _positionInsert;
        var (alarm, ap) = _alarmInsert;
        long written = 0;
        long staged = 0;
        var tables = 0;
        foreach (var batch in batches)
        {
            foreach (var row in batch.Readings)
            {
                var tagsId = TagsId(tags, tp, row.Device);
                var table = StageTableOf(tagsId);
                _rowInsert.Insert(table, row.TimeMs, tagsId, batch.FieldsOf(row));
                tables |= 1 << table;
                written += row.Fields;
            }

            staged += batch.Readings.Count;

            foreach (var p in batch.Positions)
            {
                pp[0].Value = p.TimestampUnixMs;
                pp[1].Value = p.VehicleId;
                pp[2].Value = p.Latitude;
                pp[3].Value = p.Longitude;
                pp[4].Value = double.IsFinite(p.SpeedKmh) ? p.SpeedKmh : DBNull.Value;
                pp[5].Value = double.IsFinite(p.HeadingDegrees) ? p.HeadingDegrees : DBNull.Value;
                pp[6].Value = p.Status ?? (object)DBNull.Value;
                written += position.ExecuteNonQuery();
            }

            foreach (var a in batch.Alarms)
            {
                ap[0].Value = a.Transition.TimestampUnixMs;
                ap[1].Value = a.Device.DeviceId;
                ap[2].Value = a.Device.Measurement;
                ap[3].Value = a.Device.Vendor;
                ap[4].Value = a.Device.Site;
                ap[5].Value = a.Device.Grid;
                ap[6].Value = PointNames.AlarmType(a.Transition.Type);
                ap[7].Value = PointNames.Condition(a.Transition.Condition);
                ap[8].Value = (int)a.Transition.Severity;
                ap[9].Value = a.Transition.Condition == Ingestion.Alarms.AlarmCondition.Cleared ? 0 : 1;
                ap[10].Value = double.IsFinite(a.Transition.Value) ? a.Transition.Value : DBNull.Value;
                written += alarm.ExecuteNonQuery();
            }
        }

        Interlocked.Add(ref _pointsWritten, written);
        return (staged, tables);
    }

    private long TagsId(SqliteCommand tags, SqliteParameter[] tp, DeviceTags device)
    {
        if (_tagsIds.TryGetValue(device, out var id))
        {
            return id;
        }

        if (_tagsIds.Count >= TagsCacheLimit)
        {
            _tagsIds.Clear();
        }

        tp[0].Value = device.Measurement;
        tp[1].Value = device.DeviceId;
        tp[2].Value = device.Measurement;
        tp[3].Value = device.Vendor;
        tp[4].Value = device.Site;
        tp[5].Value = device.Grid;
        id = (long)tags.ExecuteScalar()!;
        _tagsIds[device] = id;
        return id;
    }

    private void DeleteExpired()
    {
        var cutoff = (_time.GetUtcNow() - _options.Retention).ToUnixTimeMilliseconds();
        // Rows carry no time index (one index less per insert): they arrive nearly in time order, so
        // the sweep removes, in arrival order, every row before the first one still within the
        // retention. Each row is kept at least the retention; a late straggler goes with its
        // neighbours in arrival order.
        var deleted = _connection.Execute(
            "DELETE FROM reading_row WHERE rowid < COALESCE((SELECT rowid FROM reading_row WHERE time_ms >= @cutoff ORDER BY rowid LIMIT 1), " +
            "(SELECT MAX(rowid) + 1 FROM reading_row), 0)",
            new { cutoff });
        // Epochs that lost all their reports (the oldest, as rows go in arrival order).
        _connection.Execute("DELETE FROM reading_epoch WHERE epoch < COALESCE((SELECT MIN(epoch) FROM reading_row), (SELECT MAX(epoch) + 1 FROM reading_epoch))");
        foreach (var table in (string[])["fleet_position", "alarm_event"])
        {
            deleted += _connection.Execute($"DELETE FROM {table} WHERE time_ms < @cutoff", new { cutoff });
        }

        Interlocked.Add(ref _rowsDeleted, deleted);
    }

    private (SqliteCommand, SqliteParameter[]) Prepare(string sql, params string[] names)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        var parameters = new SqliteParameter[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            parameters[i] = command.CreateParameter();
            parameters[i].ParameterName = names[i];
            command.Parameters.Add(parameters[i]);
        }

        command.Prepare();
        return (command, parameters);
    }
}
