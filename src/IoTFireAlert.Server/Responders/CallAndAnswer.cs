using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using IoTFireAlert.Dispatch.Acknowledgement;
using IoTFireAlert.Dispatch.Policy;
using IoTFireAlert.Server.Alarms;
using IoTFireAlert.Server.Api;
using IoTFireAlert.Server.Devices;
using IoTFireAlert.Server.Metrics;

namespace IoTFireAlert.Server.Responders;

/// <summary>
/// "Call and answer" (叫应): every dispatched station or crew must acknowledge within the deadline;
/// otherwise reminders go out and the call escalates to the next nearest unit, then the supervisor.
/// The tracker has one owner, this task: dispatches, answers and closed alarms reach it through one
/// channel, and it wakes when the earliest deadline falls due. Its steps reach the alarm's timeline
/// and the outbox through the alarm writer, in one transaction each.
/// </summary>
public sealed class CallAndAnswer : BackgroundService, IDispatchSummary, IMetricsSource
{
    private readonly Channel<object> _commands = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private readonly AcknowledgementTracker _tracker;
    private readonly IServiceProvider _services;
    private AlarmWriter _writer = null!;
    private readonly AlarmEventHub _hub;
    private readonly ResponderPush _push;
    private readonly TimeProvider _clock;
    private readonly AcknowledgementOptions _options;
    private readonly Dictionary<long, (AlarmRecord Alarm, DeviceRecord Device)> _alarms = [];
    // Written only by this task; read by the summary API and metrics when they ask (a snapshot per
    // step cost a copy of every waiting responder per dispatch, quadratic in an alarm storm).
    private readonly ConcurrentDictionary<(long AlarmId, string ResponderId), (string Name, DateTimeOffset Deadline)> _waiting = [];
    private long _reminders;
    private long _escalations;

    private sealed record DispatchedCommand(AlarmRecord Alarm, DeviceRecord Device, DispatchPlan Plan);

    private sealed record AnswerCommand(long AlarmId, string ResponderId, string By, TaskCompletionSource<AckOutcome> Outcome);

    private sealed record ClosedCommand(long AlarmId);

    public CallAndAnswer(AcknowledgementOptions options, IServiceProvider services, AlarmEventHub hub, ResponderPush push, TimeProvider clock)
    {
        _options = options;
        _tracker = new AcknowledgementTracker(options, clock);
        _services = services;
        _hub = hub;
        _push = push;
        _clock = clock;
    }

    /// <summary>Called by the planner inside the alarm writer's transaction; the tracker picks it up on its own task.</summary>
    public void Dispatched(AlarmRecord alarm, DeviceRecord device, DispatchPlan plan) => _commands.Writer.TryWrite(new DispatchedCommand(alarm, device, plan));

    /// <summary>A responder answers (API, MQTT <c>stations/{id}/ack</c>, webhook callback).</summary>
    public async Task<AckOutcome> AnswerAsync(long alarmId, string responderId, string by, CancellationToken cancellationToken)
    {
        var outcome = new TaskCompletionSource<AckOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _commands.Writer.WriteAsync(new AnswerCommand(alarmId, responderId, by, outcome), cancellationToken);
        return await outcome.Task.WaitAsync(cancellationToken);
    }

    public IEnumerable<object> Unacknowledged() => _waiting
        .OrderBy(w => w.Value.Deadline).ThenBy(w => w.Key.AlarmId)
        .Select(w => (object)new { alarmId = w.Key.AlarmId, responderId = w.Key.ResponderId, responderName = w.Value.Name, deadline = w.Value.Deadline.ToUnixTimeMilliseconds() })
        .ToList();

    public void WriteMetrics(PrometheusWriter writer)
    {
        writer.Gauge("iotfire_dispatch_awaiting_answer", "Dispatched responders who have not acknowledged yet.", _waiting.Count)
            .Counter("iotfire_dispatch_reminders_total", "Reminders sent to responders who had not answered.", Interlocked.Read(ref _reminders))
            .Counter("iotfire_dispatch_escalations_total", "Calls escalated to the next unit or the supervisor.", Interlocked.Read(ref _escalations));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Resolved late: the writer depends on the planner, which depends on this service.
        _writer = _services.GetRequiredService<AlarmWriter>();
        var closed = _hub.Subscribe(65_536);
        _ = ForwardClosedAsync(closed, stoppingToken);
        var actions = new List<AckAction>();
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = _tracker.NextDueAt is { } due ? due - _clock.GetUtcNow() : TimeSpan.FromSeconds(30);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(wait < TimeSpan.Zero ? TimeSpan.Zero : wait > TimeSpan.FromSeconds(30) ? TimeSpan.FromSeconds(30) : wait);
            try
            {
                await _commands.Reader.WaitToReadAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // A deadline fell due.
            }

            while (_commands.Reader.TryRead(out var command))
            {
                await HandleAsync(command, stoppingToken);
            }

            actions.Clear();
            _tracker.Due(actions);
            foreach (var action in actions)
            {
                await ActAsync(action, stoppingToken);
            }
        }
    }

    private async Task ForwardClosedAsync(ChannelReader<AlarmEvent> events, CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var e in events.ReadAllAsync(stoppingToken))
            {
                if (e.Kind is "resolved" or "cleared" && System.Text.Json.JsonDocument.Parse(e.Body).RootElement is var root
                    && !root.GetProperty("active").GetBoolean())
                {
                    _commands.Writer.TryWrite(new ClosedCommand(root.GetProperty("id").GetInt64()));
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException or AlarmEventHub.ListenerTooSlowException)
        {
            // Shutting down, or cut off: an alarm left open here only means extra reminders until it is resolved again.
        }
    }

    private async Task HandleAsync(object command, CancellationToken stoppingToken)
    {
        switch (command)
        {
            case DispatchedCommand d:
                _alarms[d.Alarm.Id] = (d.Alarm, d.Device);
                _tracker.Dispatched(Key(d.Alarm.Id), d.Plan);
                foreach (var r in d.Plan.Responders.Where(r => r.Role == ResponderRole.Primary))
                {
                    _waiting[(d.Alarm.Id, r.Id)] = (r.Name, _clock.GetUtcNow() + _options.Deadline);
                }

                break;
            case AnswerCommand a:
                var outcome = _tracker.Acknowledged(Key(a.AlarmId), a.ResponderId, a.By);
                a.Outcome.TrySetResult(outcome);
                if (outcome == AckOutcome.Accepted)
                {
                    _waiting.TryRemove((a.AlarmId, a.ResponderId), out _);
                    await _writer.EnqueueAsync(new DispatchFollowUp(a.AlarmId, "responder acknowledged", a.By, $"{a.ResponderId} answered", []), stoppingToken);
                }

                break;
            case ClosedCommand c:
                _tracker.Forget(Key(c.AlarmId));
                _alarms.Remove(c.AlarmId);
                foreach (var key in _waiting.Keys.Where(k => k.AlarmId == c.AlarmId).ToList())
                {
                    _waiting.TryRemove(key, out _);
                }

                break;
        }
    }

    private async Task ActAsync(AckAction action, CancellationToken stoppingToken)
    {
        var alarmId = long.Parse(action.AlarmId, CultureInfo.InvariantCulture);
        if (!_alarms.TryGetValue(alarmId, out var known))
        {
            return;
        }

        var deadline = _clock.GetUtcNow() + _options.Deadline;
        var suffix = $"{action.Kind}-{action.RequestIndex}-{action.At.ToUnixTimeMilliseconds()}";
        switch (action.Kind)
        {
            case AckActionKind.Remind when action.Target is { } target:
                Interlocked.Increment(ref _reminders);
                await _writer.EnqueueAsync(new DispatchFollowUp(alarmId, "reminded", "dispatcher",
                    $"reminder {action.ReminderNumber} to {target.Name} ({target.Id}): no answer yet", _push.For(known.Alarm, known.Device, target, "reminder", deadline, suffix)), stoppingToken);
                break;
            case AckActionKind.EscalateToNext when action.Target is { } next:
                Interlocked.Increment(ref _escalations);
                if (action.Unanswered is { } missed)
                {
                    _waiting.TryRemove((alarmId, missed.Id), out _);
                }

                _waiting[(alarmId, next.Id)] = (next.Name, deadline);
                await _writer.EnqueueAsync(new DispatchFollowUp(alarmId, "escalated", "dispatcher",
                    $"{action.Unanswered?.Name ?? "the unit"} did not answer within {_options.Deadline.TotalSeconds:F0} s; calling {next.Name} ({next.Id}), ETA {next.EtaSeconds:F0} s",
                    _push.For(known.Alarm, known.Device, next, "escalated", deadline, suffix)), stoppingToken);
                break;
            default:
                Interlocked.Increment(ref _escalations);
                var detail = $"{action.Unanswered?.Name ?? "no unit"} did not answer and no reserve is left: the supervisor is called";
                await _writer.EnqueueAsync(new DispatchFollowUp(alarmId, "escalated", "dispatcher", detail, [_push.Supervisor(known.Alarm, detail, suffix)]), stoppingToken);
                break;
        }
    }

    private static string Key(long alarmId) => alarmId.ToString(CultureInfo.InvariantCulture);
}
