using Dapper;
using IoTFireAlert.Ingestion.Alarms;
using IoTFireAlert.Server.Alarms;
using IoTFireAlert.Server.Notify;
using IoTFireAlert.Server.Tests.Alarms;
using Microsoft.Extensions.Logging.Abstractions;
using NSubstitute;

namespace IoTFireAlert.Server.Tests.Notify;

/// <summary>The deliverer over a real alarm database: pushes committed by the real alarm writer, a recording push channel.</summary>
public sealed class OutboxDelivererTests
{
    [Fact]
    public async Task DeliveredPush_IsMarkedDelivered_OnItsTimeline_AndAttemptedOnce()
    {
        await using var f = new AlarmWriterFixture();
        // Slow enough that the deliverer wakes several times while the attempt is out.
        var channel = new RecordingChannel(_ => null, TimeSpan.FromMilliseconds(400));
        var signal = new OutboxSignal();
        using var deliverer = Start(f, channel, new OutboxOptions(), signal);

        var alarmId = await RaiseWithPushAsync(f, "SD-P1");
        for (var i = 0; i < 5; i++)
        {
            signal.Notify();
            await Task.Delay(100);
        }

        var row = await WaitForOutboxAsync(f, alarmId, r => r.DeliveredAt is not null);
        Assert.Equal(1, row.Attempts);
        Assert.Null(row.LastError);
        Assert.Equal(1, channel.Calls);
        var timeline = await f.Queries.TimelineAsync(alarmId, CancellationToken.None);
        Assert.Contains(timeline, t => t.Event == "pushed" && t.Actor == "mqtt" && t.Detail == "stations/MFS-1/alarms");
        await deliverer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task FailingPush_IsRetried_ThenGivenUp_AsADeadLetter()
    {
        await using var f = new AlarmWriterFixture();
        var channel = new RecordingChannel(_ => "connection refused", TimeSpan.Zero);
        using var deliverer = Start(f, channel, new OutboxOptions { MaxAttempts = 2, FirstRetrySeconds = 1, MaxRetrySeconds = 1 }, new OutboxSignal());

        var alarmId = await RaiseWithPushAsync(f, "SD-P2");

        var row = await WaitForOutboxAsync(f, alarmId, r => r.FailedAt is not null);
        Assert.Equal(2, row.Attempts);
        Assert.Equal("connection refused", row.LastError);
        Assert.Equal(2, channel.Calls);
        var timeline = await f.Queries.TimelineAsync(alarmId, CancellationToken.None);
        Assert.Contains(timeline, t => t.Event == "push failed" && t.Detail!.Contains("given up after 2 attempts", StringComparison.Ordinal));
        Assert.Equal(1, Assert.Single(f.DeadLetters.Counts, c => c.Key.Stage == "push").Value);
        await deliverer.StopAsync(CancellationToken.None);
    }

    private static OutboxDeliverer Start(AlarmWriterFixture f, IPushChannel channel, OutboxOptions options, OutboxSignal signal)
    {
        var deliverer = new OutboxDeliverer(f.Database, signal, [channel], options, f.DeadLetters, TimeProvider.System, NullLogger<OutboxDeliverer>.Instance);
        deliverer.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        return deliverer;
    }

    /// <summary>Raises a smoke alarm whose dispatch decision pushes once to a station over MQTT; returns its id.</summary>
    private static async Task<long> RaiseWithPushAsync(AlarmWriterFixture f, string deviceId)
    {
        f.Planner.Plan(Arg.Any<AlarmRecord>(), Arg.Any<IoTFireAlert.Server.Devices.DeviceRecord>()).Returns(call =>
            new DispatchDecision("{}", [], [new OutboxMessage("mqtt", "stations/MFS-1/alarms", "{}", $"alarm-{call.Arg<AlarmRecord>().Id}-MFS-1")]));
        await f.CommitAsync(AlarmWriterFixture.Device(deviceId), AlarmWriterFixture.Raise(AlarmType.SmokeAlarm, Severity.Critical));
        return Assert.Single(await f.AllAsync(deviceId)).Id;
    }

    private static async Task<OutboxRow> WaitForOutboxAsync(AlarmWriterFixture f, long alarmId, Func<OutboxRow, bool> done)
    {
        OutboxRow Read()
        {
            using var connection = f.Database.Open();
            return connection.QuerySingle<OutboxRow>(
                "SELECT attempts AS Attempts, delivered_at AS DeliveredAt, failed_at AS FailedAt, last_error AS LastError FROM outbox WHERE alarm_id = @alarmId", new { alarmId });
        }

        var deadline = DateTime.UtcNow.AddSeconds(20);
        for (var row = Read(); !done(row); row = Read())
        {
            Assert.True(DateTime.UtcNow < deadline, $"outbox row of alarm {alarmId} never reached the expected state; last: {row}");
            await Task.Delay(50);
        }

        // Past the point of interest: a wrongly repeated attempt would have had time to show.
        await Task.Delay(300);
        return Read();
    }

    private sealed record OutboxRow(long Attempts, long? DeliveredAt, long? FailedAt, string? LastError);

    private sealed class RecordingChannel(Func<OutboxEntry, string?> outcome, TimeSpan delay) : IPushChannel
    {
        private int _calls;

        public string Name => "mqtt";

        public int Calls => Volatile.Read(ref _calls);

        public async Task<string?> DeliverAsync(OutboxEntry entry, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            await Task.Delay(delay, cancellationToken);
            return outcome(entry);
        }
    }
}
