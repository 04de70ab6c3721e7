using Dapper;
using IoTFireAlert.Ingestion.Alarms;
using IoTFireAlert.Ingestion.Readings;
using IoTFireAlert.Server.Alarms;
using NSubstitute;

namespace IoTFireAlert.Server.Tests.Alarms;

public sealed class AlarmWriterTests
{
    [Fact]
    public async Task Raise_Repeated_UpdatesTheOneActiveAlarm()
    {
        await using var f = new AlarmWriterFixture();
        var device = AlarmWriterFixture.Device("SD-1");
        await f.CommitAsync(device, AlarmWriterFixture.Raise(AlarmType.SmokeAlarm, Severity.Critical));
        await f.CommitAsync(device, new AlarmTransition(AlarmType.SmokeAlarm, Severity.Critical, AlarmCondition.Repeat, 1, 0));
        await f.CommitAsync(device, AlarmWriterFixture.Raise(AlarmType.SmokeAlarm, Severity.Critical));

        var alarm = Assert.Single(await f.AllAsync("SD-1"));
        Assert.Equal(3, alarm.Count);
        Assert.Equal(AlarmState.Active, alarm.State);
        Assert.True(alarm.Active);
    }

    [Fact]
    public async Task Raise_ConcurrentFromManyTasks_ExactlyOneActiveAlarm()
    {
        await using var f = new AlarmWriterFixture();
        var device = AlarmWriterFixture.Device("SD-RACE");
        var raises = Enumerable.Range(0, 200)
            .Select(_ => Task.Run(() => f.CommitAsync(device, AlarmWriterFixture.Raise(AlarmType.SmokeAlarm, Severity.Critical))));
        await Task.WhenAll(raises);

        var alarm = Assert.Single(await f.AllAsync("SD-RACE"));
        Assert.Equal(200, alarm.Count);
    }

    [Fact]
    public void Schema_SecondActiveAlarmForDeviceAndType_IsRefusedByTheDatabase()
    {
        var directory = Path.Combine(Path.GetTempPath(), "iotfire-schema-" + Guid.NewGuid().ToString("N")[..8]);
        var database = new Storage.SqliteDatabase(Path.Combine(directory, "a.db"));
        database.ApplySchema();
        using var connection = database.Open();
        const string insert = "INSERT INTO alarms (device_id, type, severity, state, active, raised_at, last_at, count) VALUES ('D', 'SmokeAlarm', 'Critical', 'Active', 1, 0, 0, 1)";
        connection.Execute(insert);
        var error = Assert.Throws<Microsoft.Data.Sqlite.SqliteException>(() => connection.Execute(insert));
        Assert.Contains("UNIQUE", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Clear_Hazard_ClosesItButFireWaitsForAPerson()
    {
        await using var f = new AlarmWriterFixture();
        var device = AlarmWriterFixture.Device("SD-2");
        await f.CommitAsync(device, AlarmWriterFixture.Raise(AlarmType.LowBattery, Severity.Warning, 15), AlarmWriterFixture.Raise(AlarmType.SmokeAlarm, Severity.Critical));
        await f.CommitAsync(device, AlarmWriterFixture.Clear(AlarmType.LowBattery, Severity.Warning), AlarmWriterFixture.Clear(AlarmType.SmokeAlarm, Severity.Critical));

        var alarms = await f.AllAsync("SD-2");
        var battery = alarms.Single(a => a.Type == AlarmType.LowBattery);
        var smoke = alarms.Single(a => a.Type == AlarmType.SmokeAlarm);
        Assert.Equal(AlarmState.Cleared, battery.State);
        Assert.False(battery.Active);
        Assert.Equal(AlarmState.Active, smoke.State);
        Assert.True(smoke.Active);
        Assert.NotNull(smoke.ClearedAt);
    }

    [Fact]
    public async Task AckThenResolve_RecordsWhoAndWhy_InTheTimeline()
    {
        await using var f = new AlarmWriterFixture();
        await f.CommitAsync(AlarmWriterFixture.Device("MCP-1", kind: DeviceKind.ManualCallPoint), AlarmWriterFixture.Raise(AlarmType.ManualCallPoint, Severity.Critical));
        var alarm = Assert.Single(await f.AllAsync("MCP-1"));

        var missingCause = await f.Writer.ActAsync(new OperatorAction(alarm.Id, OperatorActionKind.Resolve, "duty officer", null, null), CancellationToken.None);
        Assert.Equal(400, missingCause.StatusCode);

        var acked = await f.Writer.ActAsync(new OperatorAction(alarm.Id, OperatorActionKind.Acknowledge, "Wang Wei", null, "on my way"), CancellationToken.None);
        Assert.Equal(AlarmState.Acknowledged, acked.Alarm!.State);
        Assert.Equal("Wang Wei", acked.Alarm.AckedBy);

        var resolved = await f.Writer.ActAsync(new OperatorAction(alarm.Id, OperatorActionKind.Resolve, "Wang Wei", ResolutionCause.FalseAlarm, "cooking smoke"), CancellationToken.None);
        Assert.Equal(AlarmState.Resolved, resolved.Alarm!.State);
        Assert.Equal("false_alarm", resolved.Alarm.Cause);
        Assert.False(resolved.Alarm.Active);

        var again = await f.Writer.ActAsync(new OperatorAction(alarm.Id, OperatorActionKind.Acknowledge, "x", null, null), CancellationToken.None);
        Assert.Equal(409, again.StatusCode);

        var timeline = await f.Queries.TimelineAsync(alarm.Id, CancellationToken.None);
        Assert.Equal(["raised", "acknowledged", "resolved"], timeline.Select(t => t.Event));
        Assert.Equal("Wang Wei", timeline[1].Actor);
    }

    [Fact]
    public async Task Operator_UnknownAlarm_Is404()
    {
        await using var f = new AlarmWriterFixture();
        var result = await f.Writer.ActAsync(new OperatorAction(987654, OperatorActionKind.Acknowledge, "x", null, null), CancellationToken.None);
        Assert.Equal(404, result.StatusCode);
    }

    [Fact]
    public async Task SmokeAndElectricalAtOneSite_WithinWindow_BecomeAFireAlarm()
    {
        await using var f = new AlarmWriterFixture();
        await f.CommitAsync(AlarmWriterFixture.Device("EF-1", "SITE-9", DeviceKind.ElectricalFireMonitor), AlarmWriterFixture.Raise(AlarmType.ResidualCurrentAlarm, Severity.Major, 320));
        Assert.DoesNotContain(await f.AllAsync(), a => a.Type == AlarmType.Fire);

        await f.CommitAsync(AlarmWriterFixture.Device("SD-9", "SITE-9"), AlarmWriterFixture.Raise(AlarmType.SmokeAlarm, Severity.Critical));

        var fire = Assert.Single(await f.AllAsync(), a => a.Type == AlarmType.Fire);
        Assert.Equal("SD-9", fire.DeviceId);
        Assert.Equal(Severity.Critical, fire.Severity);
        var timeline = await f.Queries.TimelineAsync(fire.Id, CancellationToken.None);
        Assert.Contains("electrical alarm", timeline[0].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SmokeAndElectricalAtDifferentSites_AreNotCorrelated()
    {
        await using var f = new AlarmWriterFixture();
        await f.CommitAsync(AlarmWriterFixture.Device("EF-1", "SITE-A", DeviceKind.ElectricalFireMonitor), AlarmWriterFixture.Raise(AlarmType.ResidualCurrentAlarm, Severity.Major, 320));
        await f.CommitAsync(AlarmWriterFixture.Device("SD-1", "SITE-B"), AlarmWriterFixture.Raise(AlarmType.SmokeAlarm, Severity.Critical));
        Assert.DoesNotContain(await f.AllAsync(), a => a.Type == AlarmType.Fire);
    }

    [Fact]
    public async Task AlarmsAtOneSite_ShareAnIncident_OtherSitesDoNot()
    {
        await using var f = new AlarmWriterFixture();
        await f.CommitAsync(AlarmWriterFixture.Device("SD-1", "SITE-A"), AlarmWriterFixture.Raise(AlarmType.SmokeAlarm, Severity.Critical));
        await f.CommitAsync(AlarmWriterFixture.Device("SD-2", "SITE-A"), AlarmWriterFixture.Raise(AlarmType.SmokeAlarm, Severity.Critical));
        await f.CommitAsync(AlarmWriterFixture.Device("SD-3", "SITE-B"), AlarmWriterFixture.Raise(AlarmType.SmokeAlarm, Severity.Critical));

        var alarms = await f.AllAsync();
        var a1 = alarms.Single(a => a.DeviceId == "SD-1");
        var a2 = alarms.Single(a => a.DeviceId == "SD-2");
        var b = alarms.Single(a => a.DeviceId == "SD-3");
        Assert.NotNull(a1.IncidentId);
        Assert.Equal(a1.IncidentId, a2.IncidentId);
        Assert.NotEqual(a1.IncidentId, b.IncidentId);
    }

    [Fact]
    public async Task Hazard_RaisedAndClearedRepeatedly_ReopensOneAlarmAndMarksItFlapping()
    {
        await using var f = new AlarmWriterFixture(new AlarmOptions { FlapThreshold = 3 });
        var device = AlarmWriterFixture.Device("EF-FLAP", kind: DeviceKind.ElectricalFireMonitor);
        for (var i = 0; i < 5; i++)
        {
            await f.CommitAsync(device, AlarmWriterFixture.Raise(AlarmType.ResidualCurrentPreAlarm, Severity.Minor, 250));
            await f.CommitAsync(device, AlarmWriterFixture.Clear(AlarmType.ResidualCurrentPreAlarm, Severity.Minor));
        }

        var alarm = Assert.Single(await f.AllAsync("EF-FLAP"));
        Assert.True(alarm.Flapping);
        Assert.Equal(4, alarm.ReopenCount);
        Assert.Equal(5, alarm.Count);
    }

    [Fact]
    public async Task AfterCommit_RunsOnlyOnceTheAlarmIsInTheDatabase()
    {
        await using var f = new AlarmWriterFixture();
        var seenInDatabase = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await f.Writer.EnqueueAsync(new DeviceVerdicts(AlarmWriterFixture.Device("SD-C"), [AlarmWriterFixture.Raise(AlarmType.SmokeAlarm, Severity.Critical)], () =>
        {
            // A separate connection sees only committed data.
            using var connection = f.Database.Open();
            seenInDatabase.SetResult(connection.ExecuteScalar<int>("SELECT count(*) FROM alarms WHERE device_id = 'SD-C'"));
        }), CancellationToken.None);

        Assert.Equal(1, await seenInDatabase.Task.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Events_ArePublishedInCommitOrder_WithIncreasingIds()
    {
        await using var f = new AlarmWriterFixture();
        for (var i = 0; i < 20; i++)
        {
            await f.CommitAsync(AlarmWriterFixture.Device($"SD-{i}", $"S-{i}"), AlarmWriterFixture.Raise(AlarmType.SmokeAlarm, Severity.Critical));
        }

        var ids = new List<long>();
        while (f.Events.TryRead(out var e))
        {
            ids.Add(e.Id);
            Assert.Equal("raised", e.Kind);
        }

        Assert.Equal(20, ids.Count);
        Assert.Equal(ids.Order(), ids);
        var replay = await f.Queries.EventsAfterAsync(ids[9], 100, CancellationToken.None);
        Assert.Equal(ids.Skip(10), replay.Select(e => e.Id));
    }

    [Fact]
    public async Task NewAlarm_WithADispatchDecision_WritesOutboxAndTimelineInTheSameTransaction()
    {
        await using var f = new AlarmWriterFixture();
        f.Planner.Plan(Arg.Any<AlarmRecord>(), Arg.Any<IoTFireAlert.Server.Devices.DeviceRecord>()).Returns(call =>
        {
            var alarm = call.Arg<AlarmRecord>();
            return new DispatchDecision("{\"responders\":[\"MFS-1\"]}", ["micro station MFS-1, ETA 240 s"],
                [new OutboxMessage("mqtt", "stations/MFS-1/alarms", "{}", $"alarm-{alarm.Id}-MFS-1")]);
        });

        await f.CommitAsync(AlarmWriterFixture.Device("SD-D"), AlarmWriterFixture.Raise(AlarmType.SmokeAlarm, Severity.Critical));

        var alarm = Assert.Single(await f.AllAsync("SD-D"));
        Assert.Contains("MFS-1", alarm.Dispatch, StringComparison.Ordinal);
        using var connection = f.Database.Open();
        Assert.Equal("stations/MFS-1/alarms", connection.ExecuteScalar<string>("SELECT target FROM outbox WHERE alarm_id = @id", new { id = alarm.Id }));
        var timeline = await f.Queries.TimelineAsync(alarm.Id, CancellationToken.None);
        Assert.Contains(timeline, t => t.Event == "dispatched" && t.Detail!.Contains("ETA", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Redelivery_OfTheSameSequence_IsNotCountedTwice_ANewSequenceIs()
    {
        await using var f = new AlarmWriterFixture();
        var device = AlarmWriterFixture.Device("SD-SEQ");
        async Task Deliver(long sequence)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await f.Writer.EnqueueAsync(new DeviceVerdicts(device, [AlarmWriterFixture.Raise(AlarmType.SmokeAlarm, Severity.Critical)], done.SetResult, sequence: sequence), CancellationToken.None);
            await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }

        await Deliver(41);
        await Deliver(41);
        Assert.Equal(1, Assert.Single(await f.AllAsync("SD-SEQ")).Count);

        await Deliver(42);
        Assert.Equal(2, Assert.Single(await f.AllAsync("SD-SEQ")).Count);
    }

    [Fact]
    public async Task NewAlarm_IsCommittedAheadOfFollowUpsQueuedBeforeIt()
    {
        var hook = new GateHook();
        await using var f = new AlarmWriterFixture(hooks: [hook]);
        await f.CommitAsync(AlarmWriterFixture.Device("SD-OLD", "S-OLD"), AlarmWriterFixture.Raise(AlarmType.SmokeAlarm, Severity.Critical));
        var old = Assert.Single(await f.AllAsync("SD-OLD"));

        // Hold the writer inside a transaction while a storm of reminders and then one new alarm queue up.
        hook.Armed = true;
        await f.Writer.EnqueueAsync(new DeviceVerdicts(AlarmWriterFixture.Device("SD-HOLD", "S-HOLD"), [AlarmWriterFixture.Raise(AlarmType.SmokeAlarm, Severity.Critical)], null), CancellationToken.None);
        await hook.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        for (var i = 0; i < 200; i++)
        {
            await f.Writer.EnqueueAsync(new DispatchFollowUp(old.Id, "reminded", "dispatcher", $"reminder {i}", []), CancellationToken.None);
        }

        var committed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await f.Writer.EnqueueAsync(new DeviceVerdicts(AlarmWriterFixture.Device("SD-NEW", "S-NEW"), [AlarmWriterFixture.Raise(AlarmType.SmokeAlarm, Severity.Critical)], committed.SetResult), CancellationToken.None);
        hook.Release();
        await committed.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var remindersBefore = 0;
        while (f.Events.TryRead(out var e) && !(e.Kind == "raised" && e.Body.Contains("\"SD-NEW\"", StringComparison.Ordinal)))
        {
            remindersBefore += e.Kind == "reminded" ? 1 : 0;
        }

        // The new alarm shares its batch with at most FollowUpsPerBatch reminders, committed after it.
        Assert.Equal(0, remindersBefore);

        // And none of the reminders is lost behind it.
        using var connection = f.Database.Open();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        long reminded;
        while ((reminded = connection.ExecuteScalar<long>("SELECT COUNT(*) FROM alarm_timeline WHERE alarm_id = @id AND event = 'reminded'", new { id = old.Id })) < 200 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(200, reminded);
    }

    /// <summary>Blocks the writer inside the transaction of the first alarm change after it is armed, until released.</summary>
    private sealed class GateHook : IAlarmTransactionHook
    {
        private readonly ManualResetEventSlim _gate = new(false);

        public volatile bool Armed;

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void OnAlarmChanged(System.Data.IDbConnection connection, System.Data.IDbTransaction transaction, AlarmRecord alarm, string kind, long nowMs)
        {
            if (Armed)
            {
                Armed = false;
                Entered.TrySetResult();
                _gate.Wait(TimeSpan.FromSeconds(30));
            }
        }

        public void Release() => _gate.Set();
    }
}
