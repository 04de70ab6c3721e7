using IoTFireAlert.Ingestion.Alarms;
using IoTFireAlert.Ingestion.Readings;
using IoTFireAlert.Telemetry.Points;
using IoTFireAlert.Telemetry.Sqlite;
using IoTFireAlert.TestSupport;
using Microsoft.Data.Sqlite;

namespace IoTFireAlert.Telemetry.Tests.Sqlite;

public sealed class SqliteTelemetryStoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "iotfire-sqlite-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly DeviceTags _ef = new("EF-1", DeviceKind.ElectricalFireMonitor, "acme", "柯桥", "G1");
    private readonly DeviceTags _sd = new("SD-1", DeviceKind.SmokeDetector, "acme");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    /// <summary>The store's options in this test's folder; a small <paramref name="stageMaxRows"/> lets a few reports fill a stage.</summary>
    private SqliteTelemetryOptions Options(TimeSpan? retention = null, TimeSpan? sweep = null, int? stageMaxRows = null)
    {
        var options = new SqliteTelemetryOptions
        {
            Path = Path.Combine(_dir, "telemetry.db"),
            Retention = retention ?? TimeSpan.FromDays(3650),
            RetentionSweepInterval = sweep ?? TimeSpan.FromHours(1),
        };
        options.StageMaxRows = stageMaxRows ?? options.StageMaxRows;
        return options;
    }

    [Fact]
    public async Task Read_ByTimeRangeAndField_ReturnsExactlyThoseRows()
    {
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeMilliseconds();
        await using (var store = new SqliteTelemetryStore(Options()))
        {
            var batch = new DecodedBatch();
            for (var i = 0; i < 10; i++)
            {
                batch.Clear();
                ref var ef = ref batch.BeginReport("EF-1");
                ef.Flags = ReportFlags.HasTimestamp;
                ef.TimestampUnixMs = t0 + (i * 1000);
                batch.Add(new Reading(Signal.ResidualCurrentMilliamps, 10 + i));
                batch.Add(new Reading(Signal.CableTemperatureCelsius, 40 + i, 2));
                ref var sd = ref batch.BeginReport("SD-1");
                sd.Flags = ReportFlags.HasTimestamp;
                sd.TimestampUnixMs = t0 + (i * 1000);
                batch.Add(new Reading(Signal.SmokeAlarm, i % 2));
                await store.WriteReadingsAsync(batch, new DeviceTags?[] { _ef, _sd }, 0);
            }

            await store.FlushAsync();
            Assert.Equal(30, store.PointsWritten);

            var all = await store.ReadAsync("EF-1", DateTimeOffset.FromUnixTimeMilliseconds(t0 + 2000), DateTimeOffset.FromUnixTimeMilliseconds(t0 + 5000));
            Assert.Equal(6, all.Count);
            Assert.Equal(new SeriesPoint(DateTimeOffset.FromUnixTimeMilliseconds(t0 + 2000), "cable_temp_c_2", 42), all[0]);
            Assert.Equal(new SeriesPoint(DateTimeOffset.FromUnixTimeMilliseconds(t0 + 2000), "residual_current_ma", 12), all[1]);
            Assert.Equal(t0 + 4000, all[^1].Time.ToUnixTimeMilliseconds());

            var one = await store.ReadAsync("EF-1", DateTimeOffset.FromUnixTimeMilliseconds(t0), DateTimeOffset.FromUnixTimeMilliseconds(t0 + 100_000), "residual_current_ma");
            Assert.Equal(Enumerable.Range(10, 10).Select(v => (double)v), one.Select(p => p.Value));

            var smoke = await store.ReadAsync("SD-1", DateTimeOffset.FromUnixTimeMilliseconds(t0), DateTimeOffset.FromUnixTimeMilliseconds(t0 + 100_000), "smoke");
            Assert.Equal([0, 1, 0, 1, 0, 1, 0, 1, 0, 1], smoke.Select(p => p.Value));
        }
    }

    [Fact]
    public async Task FailedTransaction_IsReportedAndCounted_LaterWritesAreStored()
    {
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds();
        var failures = new List<(Exception Error, int Lost)>();
        await using var store = new SqliteTelemetryStore(Options(), writeFailed: (e, lost) => failures.Add((e, lost)));
        var batch = new DecodedBatch();
        async Task WriteAsync(long time)
        {
            batch.Clear();
            ref var report = ref batch.BeginReport("EF-1");
            report.Flags = ReportFlags.HasTimestamp;
            report.TimestampUnixMs = time;
            batch.Add(new Reading(Signal.ResidualCurrentMilliamps, time - t0));
            await store.WriteReadingsAsync(batch, new DeviceTags?[] { _ef }, 0);
            await store.FlushAsync().WaitAsync(TimeSpan.FromSeconds(30)); // a writer that died would never flush
        }

        await WriteAsync(t0);
        // Another process holds the write lock: the store's insert fails at once (no busy wait).
        using (var holder = new SqliteConnection($"Data Source={Options().Path};Pooling=False"))
        {
            holder.Open();
            using var exclusive = holder.CreateCommand();
            exclusive.CommandText = "BEGIN EXCLUSIVE";
            exclusive.ExecuteNonQuery();
            await WriteAsync(t0 + 1000);
            exclusive.CommandText = "ROLLBACK";
            exclusive.ExecuteNonQuery();
        }

        await WriteAsync(t0 + 2000);

        var (error, lost) = Assert.Single(failures);
        Assert.IsType<SqliteException>(error);
        Assert.Equal(1, lost);
        Assert.Equal(1, store.RowsLost);
        var stored = await store.ReadAsync("EF-1", DateTimeOffset.FromUnixTimeMilliseconds(t0), DateTimeOffset.FromUnixTimeMilliseconds(t0 + 10_000));
        Assert.Equal([0.0, 2000.0], stored.Select(p => p.Value));
    }

    [Fact]
    public async Task WritesArrivingWithinTheCommitDelay_AreCommittedInOneTransaction()
    {
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds();
        var options = Options();
        options.CommitDelay = TimeSpan.FromMilliseconds(500);
        await using var store = new SqliteTelemetryStore(options);
        await store.FlushAsync();
        await Task.Delay(50); // the writer is idle: the next write is the first of a new group
        var before = store.Commits;

        await WriteSmokeReportAsync(store, t0);
        await Task.Delay(100); // committing at once, the first write would be a transaction of its own
        for (var i = 1; i < 50; i++)
        {
            await WriteSmokeReportAsync(store, t0 + i);
        }

        await store.FlushAsync();
        Assert.Equal(before + 1, store.Commits);
        Assert.Equal(50, store.PointsWritten);
        Assert.Equal(50, (await store.ReadAsync("SD-1", DateTimeOffset.FromUnixTimeMilliseconds(t0), DateTimeOffset.FromUnixTimeMilliseconds(t0 + 50))).Count);
    }

    [Fact]
    public async Task WriteFindingTheQueueFull_WaitsAndIsCounted_NothingIsLost()
    {
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds();
        var options = Options();
        options.MaxPendingBatches = 1;
        options.CommitDelay = TimeSpan.FromSeconds(1); // the writer, woken at an empty queue, leaves what woke it queued for a second
        await using var store = new SqliteTelemetryStore(options);

        // Wherever the writer is, within three writes one wakes it from its wait and the next finds
        // the queue (of one) still holding that one.
        var writes = new List<Task>();
        for (var i = 0; i < 10 && store.QueueFullWaits == 0; i++)
        {
            writes.Add(WriteSmokeReportAsync(store, t0 + i));
        }

        Assert.Equal(1, store.QueueFullWaits);
        await Task.WhenAll(writes).WaitAsync(TimeSpan.FromSeconds(10));
        await store.FlushAsync();
        Assert.Equal(writes.Count, (await store.ReadAsync("SD-1", DateTimeOffset.FromUnixTimeMilliseconds(t0), DateTimeOffset.FromUnixTimeMilliseconds(t0 + 10))).Count);
        Assert.Equal(0, store.QueuedBatches);
    }

    [Fact]
    public async Task Backlog_ReusesTheBatchesOfTheBacklogBefore_InsteadOfAllocatingFreshOnes()
    {
        // A backlog (the writer moving a stage) beyond what a store that keeps up uses: fresh batches
        // for it each time would live just long enough for the collector to promote them, and its
        // pauses hold the alarm path.
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds();
        var options = Options();
        options.MaxPendingBatches = 6000;
        options.CommitDelay = TimeSpan.FromSeconds(1); // the writer, woken at an empty queue, leaves the backlog queued meanwhile
        await using var store = new SqliteTelemetryStore(options);
        async Task BacklogAsync(long from)
        {
            await store.FlushAsync();
            await Task.Delay(50); // the writer is idle: the first write wakes it, and it sleeps the delay before draining
            for (var i = 0; i < 5000; i++)
            {
                await WriteSmokeReportAsync(store, from + i);
            }

            await store.FlushAsync();
        }

        await BacklogAsync(t0);
        var allocated = store.BatchesAllocated;
        Assert.True(allocated > 4096, $"the first backlog should have needed more than 4,096 batches at once, took {allocated}");
        await BacklogAsync(t0 + 5000);

        Assert.Equal(allocated, store.BatchesAllocated);
        Assert.Equal(10_000, (await store.ReadAsync("SD-1", DateTimeOffset.FromUnixTimeMilliseconds(t0), DateTimeOffset.FromUnixTimeMilliseconds(t0 + 10_000))).Count);
    }

    [Fact]
    public async Task CommittedRows_ReachTheDatabaseFile_WithoutTheWriterCheckpointing()
    {
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds();
        await using var store = new SqliteTelemetryStore(Options());
        for (var i = 0; i < 200; i++)
        {
            await WriteSmokeReportAsync(store, t0 + i);
        }

        await store.FlushAsync();

        // A few dozen pages of log: far under the writer's own automatic checkpoint, so only the
        // checkpointer can have copied them. The database file alone (no log beside it) must hold the rows.
        var inFile = await DatabaseFileRows.WaitForAsync(Path.Combine(_dir, "telemetry.db"), "reading_stage_0", 200, TimeSpan.FromSeconds(10));
        Assert.Equal(200, inFile);
        Assert.True(store.Checkpoints > 0);
    }

    [Fact]
    public async Task Writer_RunsAtTheConfiguredNice_OnlyWhenAsked()
    {
        Assert.True(OperatingSystem.IsLinux(), "the writer's priority is a Linux nice value; these tests run on Linux");
        var asked = Options();
        asked.WriterNice = 10;
        await using (var lowered = new SqliteTelemetryStore(asked))
        {
            await WriteSmokeReportAsync(lowered, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            await lowered.FlushAsync();
            Assert.Equal(10, lowered.WriterNice); // as the kernel reports the writer thread's nice value
            Assert.Single(await lowered.ReadAsync("SD-1", DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1)));
        }

        await using var unchanged = new SqliteTelemetryStore(Options()); // the default
        await unchanged.FlushAsync();
        Assert.Equal(0, unchanged.WriterNice);
    }

    [Fact]
    public async Task DisposedTwice_SecondIsHarmless()
    {
        var store = new SqliteTelemetryStore(Options());
        await store.FlushAsync();
        await store.DisposeAsync();

        await store.DisposeAsync(); // the host's container disposes what its owner already has
    }

    /// <summary>One battery report of <paramref name="device"/> at <paramref name="timeMs"/>, committed on its own (and after it, a slice of a move that is due).</summary>
    private static async Task WriteCommittedReportAsync(SqliteTelemetryStore store, DeviceTags device, long timeMs, double battery)
    {
        var batch = new DecodedBatch();
        ref var report = ref batch.BeginReport(device.DeviceId);
        report.Flags = ReportFlags.HasTimestamp;
        report.TimestampUnixMs = timeMs;
        batch.Add(new Reading(Signal.BatteryPercent, battery));
        await store.WriteReadingsAsync(batch, new DeviceTags?[] { device }, 0);
        await store.FlushAsync();
    }

    /// <summary>One report of the smoke detector SD-1 at <paramref name="timeMs"/>, as one write call.</summary>
    private Task WriteSmokeReportAsync(SqliteTelemetryStore store, long timeMs)
    {
        var batch = new DecodedBatch();
        ref var report = ref batch.BeginReport("SD-1");
        report.Flags = ReportFlags.HasTimestamp;
        report.TimestampUnixMs = timeMs;
        batch.Add(new Reading(Signal.SmokeAlarm, 0));
        return store.WriteReadingsAsync(batch, new DeviceTags?[] { _sd }, 0).AsTask();
    }

    [Fact]
    public async Task Sweep_RowsOlderThanRetention_AreDeleted()
    {
        var now = DateTimeOffset.UtcNow;
        await using var store = new SqliteTelemetryStore(Options(TimeSpan.FromDays(1), TimeSpan.FromMilliseconds(100)));
        var batch = new DecodedBatch();
        foreach (var age in new[] { TimeSpan.FromDays(3), TimeSpan.FromDays(2), TimeSpan.FromHours(1), TimeSpan.FromMinutes(1) })
        {
            ref var report = ref batch.BeginReport("EF-1");
            report.Flags = ReportFlags.HasTimestamp;
            report.TimestampUnixMs = (now - age).ToUnixTimeMilliseconds();
            batch.Add(new Reading(Signal.ResidualCurrentMilliamps, age.TotalHours));
        }

        await store.WriteReadingsAsync(batch, new DeviceTags?[] { _ef, _ef, _ef, _ef }, 0);
        await store.WritePositionsAsync(new[] { new FleetPosition("V1", (now - TimeSpan.FromDays(5)).ToUnixTimeMilliseconds(), 30, 120, 1, 2, "idle") });
        await store.WriteAlarmEventAsync(new AlarmEvent(_ef, new AlarmTransition(AlarmType.ResidualCurrentAlarm, Severity.Major, AlarmCondition.Raised, 500, now.ToUnixTimeMilliseconds())));
        await store.FlushAsync();

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (store.RowsDeleted < 3 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var left = await store.ReadAsync("EF-1", now.AddDays(-10), now.AddDays(1));
        Assert.Equal([1.0, 1.0 / 60], left.Select(p => p.Value));
        Assert.Empty(await store.ReadPositionsAsync("V1", now.AddDays(-10), now));
        Assert.Equal(3, store.RowsDeleted);
    }

    [Fact]
    public async Task OpenOldFlatLayout_ReadingsMovedToTagSetsAndRows_ReadableThroughTheViewToo()
    {
        var t = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds();
        CreateEarlierLayout(
            "CREATE TABLE reading (time_ms INTEGER NOT NULL, measurement TEXT NOT NULL, device_id TEXT NOT NULL, kind TEXT NOT NULL, " +
            "vendor TEXT NOT NULL, site TEXT NOT NULL, grid TEXT NOT NULL, field TEXT NOT NULL, value REAL NOT NULL);" +
            "CREATE INDEX reading_time ON reading (time_ms);" +
            $"INSERT INTO reading VALUES ({t}, 'electrical_fire', 'EF-1', 'electrical_fire', 'acme', '柯桥', 'G1', 'voltage_v_1', 229.5);" +
            $"INSERT INTO reading VALUES ({t + 1000}, 'electrical_fire', 'EF-1', 'electrical_fire', 'acme', '柯桥', 'G1', 'voltage_v_1', 230.5);");
        await using var store = new SqliteTelemetryStore(Options());
        var moved = await store.ReadAsync("EF-1", DateTimeOffset.FromUnixTimeMilliseconds(t), DateTimeOffset.FromUnixTimeMilliseconds(t + 2000));
        Assert.Equal([229.5, 230.5], moved.Select(p => p.Value));

        // New points of the same device join the migrated series.
        var batch = new DecodedBatch();
        ref var report = ref batch.BeginReport("EF-1");
        report.Flags = ReportFlags.HasTimestamp;
        report.TimestampUnixMs = t + 2000;
        batch.Add(new Reading(Signal.VoltageVolts, 231.5, 1));
        await store.WriteReadingsAsync(batch, new DeviceTags?[] { _ef }, 0);
        await store.FlushAsync();

        Assert.Equal(
            [1L, 3L, 0L],
            Counts("SELECT COUNT(*) FROM reading_tags", "SELECT COUNT(*) FROM reading WHERE device_id = 'EF-1' AND site = '柯桥'",
                   "SELECT COUNT(*) FROM sqlite_master WHERE name = 'reading_flat'"));
    }

    [Fact]
    public async Task OpenSeriesPerFieldLayout_OneRowPerReport_SameValuesBack()
    {
        var t = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds();
        CreateEarlierLayout(
            "CREATE TABLE reading_series (id INTEGER PRIMARY KEY, measurement TEXT NOT NULL, device_id TEXT NOT NULL, kind TEXT NOT NULL, " +
            "vendor TEXT NOT NULL, site TEXT NOT NULL, grid TEXT NOT NULL, field TEXT NOT NULL, UNIQUE (device_id, field, measurement, kind, vendor, site, grid));" +
            "CREATE TABLE reading_point (time_ms INTEGER NOT NULL, series_id INTEGER NOT NULL, value REAL NOT NULL);" +
            "CREATE VIEW reading AS SELECT p.time_ms, s.measurement, s.device_id, s.kind, s.vendor, s.site, s.grid, s.field, p.value " +
            "FROM reading_point p JOIN reading_series s ON s.id = p.series_id;" +
            "INSERT INTO reading_series VALUES (1, 'electrical_fire', 'EF-1', 'electrical_fire', 'acme', '柯桥', 'G1', 'voltage_v_1');" +
            "INSERT INTO reading_series VALUES (2, 'electrical_fire', 'EF-1', 'electrical_fire', 'acme', '柯桥', 'G1', 'residual_current_ma');" +
            $"INSERT INTO reading_point VALUES ({t}, 1, 229.5), ({t}, 2, 12), ({t + 1000}, 1, 230.5);");
        await using var store = new SqliteTelemetryStore(Options());
        var moved = await store.ReadAsync("EF-1", DateTimeOffset.FromUnixTimeMilliseconds(t), DateTimeOffset.FromUnixTimeMilliseconds(t + 2000));
        Assert.Equal(
            [(t, "residual_current_ma", 12.0), (t, "voltage_v_1", 229.5), (t + 1000, "voltage_v_1", 230.5)],
            moved.Select(p => (p.Time.ToUnixTimeMilliseconds(), p.Field, p.Value)));

        Assert.Equal(
            [2L, 3L, 0L],
            Counts("SELECT COUNT(*) FROM reading_row", "SELECT COUNT(*) FROM reading WHERE device_id = 'EF-1'",
                   "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('reading_point', 'reading_series')"));
    }

    [Fact]
    public async Task Report_IsOneRow_WithEveryFieldReadableThroughTheView()
    {
        var t = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();
        await using (var store = new SqliteTelemetryStore(Options()))
        {
            var batch = new DecodedBatch();
            ref var report = ref batch.BeginReport("EF-1");
            report.Flags = ReportFlags.HasTimestamp | ReportFlags.HasSequence | ReportFlags.Heartbeat;
            report.TimestampUnixMs = t;
            report.Sequence = 4_000_000_000;
            batch.Add(new Reading(Signal.ResidualCurrentMilliamps, 0.000012));
            batch.Add(new Reading(Signal.CableTemperatureCelsius, -3.25, 2));
            batch.Add(new Reading(Signal.VoltageVolts, double.NaN, 1));
            await store.WriteReadingsAsync(batch, new DeviceTags?[] { _ef }, 0);
            await store.FlushAsync();
            Assert.Equal(4, store.PointsWritten);
        }

        using var check = new SqliteConnection($"Data Source={Options().Path}");
        check.Open();
        using var query = check.CreateCommand();
        query.CommandText = "SELECT (SELECT COUNT(*) FROM reading_row) + " + StagedSum + ", (SELECT group_concat(field || '=' || value, ' ') FROM (SELECT field, value FROM reading ORDER BY field))";
        using var row = query.ExecuteReader();
        Assert.True(row.Read());
        Assert.Equal(1L, row.GetInt64(0));
        // The NaN reading is left out (not a JSON number, nor a measurement).
        Assert.Equal("cable_temp_c_2=-3.25 heartbeat=1.0 residual_current_ma=1.2e-05 seq=4000000000.0", row.GetString(1));
    }

    [Fact]
    public async Task Restart_RowsPersist()
    {
        var t = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var batch = new DecodedBatch();
        ref var report = ref batch.BeginReport("EF-1");
        report.Flags = ReportFlags.HasTimestamp;
        report.TimestampUnixMs = t;
        batch.Add(new Reading(Signal.VoltageVolts, 229.5, 1));
        await using (var store = new SqliteTelemetryStore(Options()))
        {
            await store.WriteReadingsAsync(batch, new DeviceTags?[] { _ef }, 0);
        }

        await using var reopened = new SqliteTelemetryStore(Options());
        var points = await reopened.ReadAsync("EF-1", DateTimeOffset.FromUnixTimeMilliseconds(t), DateTimeOffset.FromUnixTimeMilliseconds(t + 1));
        Assert.Equal(new SeriesPoint(DateTimeOffset.FromUnixTimeMilliseconds(t), "voltage_v_1", 229.5), Assert.Single(points));
    }

    [Fact]
    public async Task FullStage_IsMovedIntoTheIndexedTableSortedByDevice_AndReadTheSameBeforeAndAfter()
    {
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds();
        await using var store = new SqliteTelemetryStore(Options(stageMaxRows: 40));
        var devices = Enumerable.Range(0, 7).Select(i => new DeviceTags($"SD-{i}", DeviceKind.SmokeDetector, "acme")).ToArray();
        // Devices interleaved as a broker delivers a fleet: 0, 3, 6, 2, 5, ...
        // A commit each: the stage fills one report at a time.
        async Task WriteAsync(int from, int count)
        {
            for (var i = from; i < from + count; i++)
            {
                await WriteCommittedReportAsync(store, devices[i * 3 % 7], t0 + i, i);
            }
        }

        async Task<string> ReadAllAsync() => string.Join(' ', (await Task.WhenAll(devices.Select(d =>
            store.ReadAsync(d.DeviceId, DateTimeOffset.FromUnixTimeMilliseconds(t0), DateTimeOffset.FromUnixTimeMilliseconds(t0 + 100)))))
            .SelectMany(points => points).Select(p => $"{p.Time.ToUnixTimeMilliseconds() - t0}={p.Value}"));

        await WriteAsync(0, 39);
        Assert.Equal([0L, 39L], Counts("SELECT COUNT(*) FROM reading_row", StagedCount));
        Assert.Equal(39, store.StagedRows);
        var staged = await ReadAllAsync();

        await WriteAsync(39, 1);
        Assert.Equal([40L, 0L], Counts("SELECT COUNT(*) FROM reading_row", StagedCount));
        Assert.Equal(0, store.StagedRows);
        Assert.Equal(1, store.StageMoves);
        var moved = await ReadAllAsync();
        Assert.Equal(staged.Split(' ').Append("39=39").Order(), moved.Split(' ').Order());
        // In the indexed table a device's reports lie together, each device's in time order.
        using var connection = new SqliteConnection($"Data Source={Options().Path}");
        connection.Open();
        using var order = connection.CreateCommand();
        order.CommandText = "SELECT tags_id, time_ms FROM reading_row ORDER BY rowid";
        using var rows = order.ExecuteReader();
        var previous = (Tags: 0L, Time: 0L);
        while (rows.Read())
        {
            var current = (Tags: rows.GetInt64(0), Time: rows.GetInt64(1));
            Assert.True(current.Tags > previous.Tags || (current.Tags == previous.Tags && current.Time > previous.Time), $"{current} after {previous}");
            previous = current;
        }
    }

    [Fact]
    public async Task Stage_IsMovedATableACommit_EveryReportReadOnceMeanwhile()
    {
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds();
        // 256 devices: tag sets 1-256 in the order of their first reports, blocks of 64 ids a stage table:
        // 1-63 in table 0, 64-127 in 1, 128-191 in 2, 192-255 in 3, 256 in 4.
        var devices = Enumerable.Range(0, 256).Select(i => new DeviceTags($"SD-{i:D3}", DeviceKind.SmokeDetector, "acme")).ToArray();
        await using var store = new SqliteTelemetryStore(Options(stageMaxRows: devices.Length));
        var written = 0;
        // A commit each, and after it a slice of a move in progress.
        async Task WriteAsync(int count)
        {
            for (var end = written + count; written < end; written++)
            {
                await WriteCommittedReportAsync(store, devices[written % devices.Length], t0 + written, written);
            }
        }

        async Task<List<long>> ReadAllAsync() => [.. (await Task.WhenAll(devices.Select(d =>
            store.ReadAsync(d.DeviceId, DateTimeOffset.FromUnixTimeMilliseconds(t0), DateTimeOffset.FromUnixTimeMilliseconds(t0 + 10_000)))))
            .SelectMany(points => points).Select(p => p.Time.ToUnixTimeMilliseconds() - t0).Order()];

        long[] StagedByTable() => Counts([.. SqliteTelemetryStore.StageTableNames.Select(t => $"SELECT COUNT(*) FROM {t}")]);

        await WriteAsync(255);
        Assert.Equal([63L, 64L, 64L, 64L, 0L, 0L, 0L, 0L], StagedByTable());

        // The 256th report fills the stage: the first slice moves table 0, the rest stay staged.
        await WriteAsync(1);
        Assert.Equal([63L, 193L], Counts("SELECT COUNT(*) FROM reading_row", StagedCount));
        Assert.Equal([0L, 64L, 64L, 64L, 1L, 0L, 0L, 0L], StagedByTable());
        Assert.Equal(0, store.StageMoves);
        Assert.Equal([$"1:{t0}-{t0 + 62}"], Rows(EpochRanges));
        Assert.Equal(Enumerable.Range(0, 256).Select(i => (long)i), await ReadAllAsync());

        // Four more commits move the other four tables. Their reports (devices 0-3's) went to table 0,
        // moved already: they wait for the next move.
        await WriteAsync(4);
        Assert.Equal(1, store.StageMoves);
        Assert.Equal([256L, 4L], Counts("SELECT COUNT(*) FROM reading_row", StagedCount));
        Assert.Equal([4L, 0L, 0L, 0L, 0L, 0L, 0L, 0L], StagedByTable());
        Assert.Equal(4, store.StagedRows);
        // All its slices are one epoch, its range widened by each.
        Assert.Equal([$"1:{t0}-{t0 + 255}"], Rows(EpochRanges));
        Assert.Equal(["1"], Rows("SELECT DISTINCT epoch FROM reading_row"));
        Assert.Equal(Enumerable.Range(0, 260).Select(i => (long)i), await ReadAllAsync());
    }

    [Fact]
    public async Task Moves_AreEpochsAppendedToTheIndex_AReadLooksUpTheEpochsMeetingItsRange()
    {
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds();
        var devices = Enumerable.Range(0, 3).Select(i => new DeviceTags($"SD-{i}", DeviceKind.SmokeDetector, "acme")).ToArray();
        await using var store = new SqliteTelemetryStore(Options(stageMaxRows: 3));
        // Three moves of three reports (tag sets 1-3 for SD-0 to SD-2, in the first move's order); the
        // later moves' devices arrive in other orders, and the third holds a straggler stamped before
        // everything else.
        int[] order = [0, 1, 2, 2, 1, 0, 2, 0, 1];
        long[] times = [t0 + 10, t0 + 11, t0 + 12, t0 + 20, t0 + 21, t0 + 22, t0 + 30, t0 + 31, t0 - 50];
        for (var i = 0; i < times.Length; i++)
        {
            await WriteCommittedReportAsync(store, devices[order[i]], times[i], i);
        }

        Assert.Equal(3, store.StageMoves);
        Assert.Equal(
            [$"1:{t0 + 10}-{t0 + 12}", $"2:{t0 + 20}-{t0 + 22}", $"3:{t0 - 50}-{t0 + 31}"],
            Rows(EpochRanges));
        // Each move appended after the last: in arrival order the rows run by epoch, device, time.
        Assert.Equal(
            ["1:1", "1:2", "1:3", "2:1", "2:2", "2:3", "3:1", "3:2", "3:3"],
            Rows("SELECT epoch || ':' || tags_id FROM reading_row ORDER BY rowid"));

        async Task<string> ReadAsync(string device, long from, long to) => string.Join(' ', (await store.ReadAsync(device,
            DateTimeOffset.FromUnixTimeMilliseconds(from), DateTimeOffset.FromUnixTimeMilliseconds(to))).Select(p => p.Time.ToUnixTimeMilliseconds() - t0));

        Assert.Equal("12 20", await ReadAsync("SD-2", t0, t0 + 30));
        Assert.Equal("21", await ReadAsync("SD-1", t0 + 15, t0 + 25));
        Assert.Equal("-50 11", await ReadAsync("SD-1", t0 - 100, t0 + 15));
        Assert.Equal("-50 11 21", await ReadAsync("SD-1", t0 - 100, t0 + 100));
        Assert.Equal("", await ReadAsync("SD-1", t0 + 32, t0 + 100));

        // The indexed table is looked up by epoch and device, the epochs by their end: neither is scanned.
        var plan = Rows("EXPLAIN QUERY PLAN " + SqliteTelemetryStore.ReadAllFields);
        Assert.Contains("SEARCH r USING INDEX reading_row_epoch_tags_time (epoch=? AND tags_id=? AND time_ms>? AND time_ms<?)", plan);
        Assert.Contains("SEARCH reading_epoch USING INDEX reading_epoch_max_time (max_time_ms>?)", plan);
        // Only the stage's tables are scanned, an arm each.
        Assert.Equal(SqliteTelemetryStore.StageTableNames.Length, plan.Count(step => step.StartsWith("SCAN r")));
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN reading"));
    }

    [Fact]
    public async Task Sweep_DeletesTheEpochsWhoseReportsAreAllGone()
    {
        var now = DateTimeOffset.UtcNow;
        var options = Options(TimeSpan.FromDays(1), TimeSpan.FromHours(1), stageMaxRows: 2);
        await using (var store = new SqliteTelemetryStore(options))
        {
            long[] times = [.. new[] { TimeSpan.FromDays(3), TimeSpan.FromDays(2), TimeSpan.FromDays(2), TimeSpan.FromHours(1) }.Select(age => (now - age).ToUnixTimeMilliseconds())];
            foreach (var time in times)
            {
                await WriteCommittedReportAsync(store, _sd, time, 50);
            }

            Assert.Equal(["1", "2"], Rows("SELECT epoch FROM reading_epoch ORDER BY epoch"));
        }

        // The sweep runs as the writer starts.
        await using (var store = new SqliteTelemetryStore(options))
        {
            await store.FlushAsync();
            Assert.Equal(3, store.RowsDeleted);
            Assert.Equal(["2"], Rows("SELECT epoch FROM reading_epoch ORDER BY epoch"));
            Assert.Single(await store.ReadAsync("SD-1", now.AddDays(-10), now));
        }
    }

    [Fact]
    public async Task OpenDeviceMajorIndex_ItsReportsBecomeEpochZero_NewMovesFollow()
    {
        var t = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();
        // The layout before epochs: reading_row indexed by device and time.
        CreateEarlierLayout(TagSetOfSd1 + $"""
            CREATE TABLE reading_row (time_ms INTEGER NOT NULL, tags_id INTEGER NOT NULL, fields TEXT NOT NULL);
            CREATE INDEX reading_row_tags_time ON reading_row (tags_id, time_ms);
            INSERT INTO reading_row VALUES ({t}, 1, '{"{"}"smoke":0{"}"}'), ({t + 5}, 1, '{"{"}"smoke":1{"}"}');
            """);

        await using var store = new SqliteTelemetryStore(Options(stageMaxRows: 1));
        await WriteCommittedReportAsync(store, _sd, t + 2, 90);

        Assert.Equal([$"0:{t}-{t + 5}", $"1:{t + 2}-{t + 2}"], Rows(EpochRanges));
        Assert.Equal(["reading_row_epoch_tags_time"], Rows("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'reading_row'"));
        var points = await store.ReadAsync("SD-1", DateTimeOffset.FromUnixTimeMilliseconds(t), DateTimeOffset.FromUnixTimeMilliseconds(t + 10));
        Assert.Equal(["0:smoke=0", "2:battery_pct=90", "5:smoke=1"], points.Select(p => $"{p.Time.ToUnixTimeMilliseconds() - t}:{p.Field}={p.Value}"));
    }

    [Fact]
    public async Task OpenInterruptedAfterItsColumnWasAdded_EpochZeroStillGetsItsRange()
    {
        var t = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();
        // An open that stopped after the epoch column was added, before anything else.
        CreateEarlierLayout(TagSetOfSd1 + $"""
            CREATE TABLE reading_row (time_ms INTEGER NOT NULL, tags_id INTEGER NOT NULL, fields TEXT NOT NULL, epoch INTEGER NOT NULL DEFAULT 0);
            INSERT INTO reading_row VALUES ({t}, 1, '{"{"}"smoke":0{"}"}', 0), ({t + 5}, 1, '{"{"}"smoke":1{"}"}', 0);
            """);

        await using var store = new SqliteTelemetryStore(Options());

        Assert.Equal([$"0:{t}-{t + 5}"], Rows(EpochRanges));
        Assert.Equal(2, (await store.ReadAsync("SD-1", DateTimeOffset.FromUnixTimeMilliseconds(t), DateTimeOffset.FromUnixTimeMilliseconds(t + 10))).Count);
    }

    [Fact]
    public async Task OpenOneTableStage_ItsReportsMovedIntoTheIndex_AndItsTableDropped()
    {
        var t = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();
        Directory.CreateDirectory(_dir);
        using (var old = new SqliteConnection($"Data Source={Options().Path}"))
        {
            // The layout before the stage had eight tables: one reading_recent.
            old.Open();
            using var create = old.CreateCommand();
            create.CommandText = $"""
                CREATE TABLE reading_tags (id INTEGER PRIMARY KEY, measurement TEXT NOT NULL, device_id TEXT NOT NULL, kind TEXT NOT NULL,
                    vendor TEXT NOT NULL, site TEXT NOT NULL, grid TEXT NOT NULL, UNIQUE (device_id, measurement, kind, vendor, site, grid));
                CREATE TABLE reading_row (time_ms INTEGER NOT NULL, tags_id INTEGER NOT NULL, fields TEXT NOT NULL);
                CREATE INDEX reading_row_tags_time ON reading_row (tags_id, time_ms);
                CREATE TABLE reading_recent (time_ms INTEGER NOT NULL, tags_id INTEGER NOT NULL, fields TEXT NOT NULL);
                INSERT INTO reading_tags VALUES (1, 'smoke_detector', 'SD-1', 'smoke_detector', 'acme', '', '');
                INSERT INTO reading_row VALUES ({t}, 1, '{"{"}"smoke":0{"}"}');
                INSERT INTO reading_recent VALUES ({t + 2}, 1, '{"{"}"smoke":1{"}"}'), ({t + 1}, 1, '{"{"}"smoke":0{"}"}');
                """;
            create.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
        await using var store = new SqliteTelemetryStore(Options());
        await store.FlushAsync();

        var points = await store.ReadAsync("SD-1", DateTimeOffset.FromUnixTimeMilliseconds(t), DateTimeOffset.FromUnixTimeMilliseconds(t + 10));
        Assert.Equal(["0:smoke=0", "1:smoke=0", "2:smoke=1"], points.Select(p => $"{p.Time.ToUnixTimeMilliseconds() - t}:{p.Field}={p.Value}"));
        Assert.Equal([3L, 0L, 0L], Counts("SELECT COUNT(*) FROM reading_row", StagedCount, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'reading_recent'"));
        Assert.Equal([$"0:{t}-{t + 2}"], Rows(EpochRanges));
    }

    [Fact]
    public async Task Stage_IsMovedOnceItIsOlderThanTheInterval()
    {
        var t = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();
        var options = Options();
        options.StageInterval = TimeSpan.FromMilliseconds(300);
        await using var store = new SqliteTelemetryStore(options);
        await WriteSmokeReportAsync(store, t);
        await store.FlushAsync();
        Assert.Equal(1, store.StagedRows);

        await Task.Delay(TimeSpan.FromMilliseconds(400));
        await WriteSmokeReportAsync(store, t + 1);
        await store.FlushAsync();

        Assert.Equal([2L, 0L], Counts("SELECT COUNT(*) FROM reading_row", StagedCount));
        Assert.Equal(2, (await store.ReadAsync("SD-1", DateTimeOffset.FromUnixTimeMilliseconds(t), DateTimeOffset.FromUnixTimeMilliseconds(t + 2))).Count);
    }

    [Fact]
    public async Task DeviceMovedToAnotherSite_ReadsAsOneHistory_IndexedAndStaged()
    {
        var t = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();
        await using var store = new SqliteTelemetryStore(Options(stageMaxRows: 2));
        var placements = new[] { new DeviceTags("SD-1", DeviceKind.SmokeDetector, "acme", "S-1"), new DeviceTags("SD-1", DeviceKind.SmokeDetector, "acme", "S-2"), _sd };
        var other = new DeviceTags("SD-2", DeviceKind.SmokeDetector, "acme", "S-1");
        for (var i = 0; i < 6; i++)
        {
            // SD-1 at S-1, then S-2, then no site, SD-2 between its reports.
            await WriteCommittedReportAsync(store, i % 2 == 0 ? placements[i / 2] : other, t + i, i);
        }

        await WriteSmokeReportAsync(store, t + 6);
        await store.FlushAsync();
        Assert.Equal([6L, 1L], Counts("SELECT COUNT(*) FROM reading_row", StagedCount));

        var history = await store.ReadAsync("SD-1", DateTimeOffset.FromUnixTimeMilliseconds(t), DateTimeOffset.FromUnixTimeMilliseconds(t + 10));
        Assert.Equal(["0:battery_pct=0", "2:battery_pct=2", "4:battery_pct=4", "6:smoke=0"], history.Select(p => $"{p.Time.ToUnixTimeMilliseconds() - t}:{p.Field}={p.Value}"));
    }

    /// <summary>The tag-set table of every layout since tag sets, with SD-1's as tag set 1.</summary>
    private const string TagSetOfSd1 = """
        CREATE TABLE reading_tags (id INTEGER PRIMARY KEY, measurement TEXT NOT NULL, device_id TEXT NOT NULL, kind TEXT NOT NULL,
            vendor TEXT NOT NULL, site TEXT NOT NULL, grid TEXT NOT NULL, UNIQUE (device_id, measurement, kind, vendor, site, grid));
        INSERT INTO reading_tags VALUES (1, 'smoke_detector', 'SD-1', 'smoke_detector', 'acme', '', '');

        """;

    /// <summary>A database file as an earlier version of the store left it, before the store opens it.</summary>
    private void CreateEarlierLayout(string sql)
    {
        Directory.CreateDirectory(_dir);
        using (var connection = new SqliteConnection($"Data Source={Options().Path}"))
        {
            connection.Open();
            using var create = connection.CreateCommand();
            create.CommandText = sql;
            create.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
    }

    /// <summary>Reports staged, in all the stage's tables (an expression, and the query).</summary>
    private static readonly string StagedSum = string.Join(" + ", SqliteTelemetryStore.StageTableNames.Select(t => $"(SELECT COUNT(*) FROM {t})"));

    private static readonly string StagedCount = "SELECT " + StagedSum;

    /// <summary>Each epoch's time range, "epoch:min-max", in epoch order.</summary>
    private const string EpochRanges = "SELECT epoch || ':' || min_time_ms || '-' || max_time_ms FROM reading_epoch ORDER BY epoch";

    /// <summary>A query's rows as text, the last column of each (a query plan's detail), read straight from the database file.</summary>
    private string[] Rows(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Options().Path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(reader.GetValue(reader.FieldCount - 1).ToString()!);
        }

        return [.. rows];
    }

    /// <summary>Each query's single number, read straight from the database file.</summary>
    private long[] Counts(params string[] queries)
    {
        using var connection = new SqliteConnection($"Data Source={Options().Path}");
        connection.Open();
        return [.. queries.Select(sql =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            return (long)command.ExecuteScalar()!;
        })];
    }

    [Fact]
    public void Options_Invalid_ClearMessages()
    {
        var errors = new SqliteTelemetryOptions { Path = "", Retention = TimeSpan.Zero, CommitDelay = TimeSpan.FromMilliseconds(-1), StageInterval = TimeSpan.Zero, StageMaxRows = 0 }.Validate();

        Assert.Contains(errors, e => e.Contains("Path", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("StageInterval", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("StageMaxRows", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Retention", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("CommitDelay", StringComparison.Ordinal));
        Assert.Empty(new SqliteTelemetryOptions().Validate());
    }
}
