using IoTFireAlert.Dispatch.Policy;

namespace IoTFireAlert.Dispatch.Acknowledgement;

/// <summary>
/// "Call and answer" (叫应) timing. Every responder of a plan must acknowledge within the deadline;
/// until one of a request's units answers, reminders go out every interval, the deadline passes the
/// call to the request's next reserve (next nearest), and with no reserve left to the supervisor,
/// who is then reminded every interval until anyone answers. Pure logic on an injected clock: the
/// server calls <see cref="Due(ICollection{AckAction})"/> when <see cref="NextDueAt"/> comes and carries out the actions.
/// <para>
/// Single owner: all calls come from one task (the notifier's), so the state needs no lock. It is not
/// safe to call from two threads at once.
/// </para>
/// </summary>
public sealed class AcknowledgementTracker
{
    /// <summary>Responder id a supervisor acknowledges with: it answers every open request of the alarm.</summary>
    public const string Supervisor = "supervisor";

    private readonly AcknowledgementOptions _options;
    private readonly TimeProvider _clock;
    private readonly Dictionary<string, List<AwaitedRequest>> _open = new(StringComparer.Ordinal);

    public AcknowledgementTracker(AcknowledgementOptions options, TimeProvider clock)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _clock = clock ?? throw new ArgumentNullException(nameof(clock));
        if (options.Deadline <= TimeSpan.Zero || options.ReminderInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException("deadline and reminder interval must be positive", nameof(options));
        }
    }

    /// <summary>Alarms with at least one request not yet answered.</summary>
    public int OpenAlarms => _open.Count;

    /// <summary>When <see cref="Due(DateTimeOffset, ICollection{AckAction})"/> next has something to do; null when nothing is open.</summary>
    public DateTimeOffset? NextDueAt
    {
        get
        {
            DateTimeOffset? next = null;
            foreach (var requests in _open.Values)
            {
                foreach (var r in requests)
                {
                    if (!r.Answered && (next is null || r.NextEvent < next))
                    {
                        next = r.NextEvent;
                    }
                }
            }

            return next;
        }
    }

    /// <summary>Starts the clock for every responder of the plan; reserves back up their own request.</summary>
    public void Dispatched(string alarmId, DispatchPlan plan)
    {
        ArgumentException.ThrowIfNullOrEmpty(alarmId);
        ArgumentNullException.ThrowIfNull(plan);
        var now = _clock.GetUtcNow();
        var requests = new List<AwaitedRequest>();
        foreach (var responder in plan.Responders)
        {
            var reserves = plan.Reserves.Where(r => r.RequestIndex == responder.RequestIndex && !requests.Exists(q => q.Called.Contains(r.Id)));
            requests.Add(new AwaitedRequest(responder, reserves, now, _options));
        }

        if (requests.Count == 0)
        {
            _open.Remove(alarmId);
            return;
        }

        _open[alarmId] = requests;
    }

    /// <summary>
    /// A responder (any unit called so far for a request, including one escalated away from) or the
    /// <see cref="Supervisor"/> answered. <paramref name="by"/> is the named person, for the timeline.
    /// </summary>
    public AckOutcome Acknowledged(string alarmId, string responderId, string by)
    {
        ArgumentException.ThrowIfNullOrEmpty(by);
        if (!_open.TryGetValue(alarmId, out var requests))
        {
            return AckOutcome.UnknownAlarm;
        }

        var outcome = AckOutcome.UnknownResponder;
        if (responderId == Supervisor)
        {
            foreach (var r in requests)
            {
                r.Answer(by);
            }

            outcome = AckOutcome.Accepted;
        }
        else
        {
            foreach (var r in requests)
            {
                if (!r.Called.Contains(responderId))
                {
                    continue;
                }

                if (!r.Answered)
                {
                    r.Answer(by);
                    outcome = AckOutcome.Accepted;
                    break;
                }

                outcome = AckOutcome.AlreadyAnswered;
            }
        }

        if (requests.TrueForAll(r => r.Answered))
        {
            _open.Remove(alarmId);
        }

        return outcome;
    }

    /// <summary>Stops tracking an alarm (resolved, or cancelled by the operator).</summary>
    public bool Forget(string alarmId) => _open.Remove(alarmId);

    public int Due(ICollection<AckAction> actions) => Due(_clock.GetUtcNow(), actions);

    /// <summary>Appends every action due at <paramref name="now"/>, oldest first per request; returns how many.</summary>
    public int Due(DateTimeOffset now, ICollection<AckAction> actions)
    {
        ArgumentNullException.ThrowIfNull(actions);
        var before = actions.Count;
        foreach (var (alarmId, requests) in _open)
        {
            foreach (var r in requests)
            {
                r.Advance(alarmId, now, _options, actions);
            }
        }

        return actions.Count - before;
    }

    private sealed class AwaitedRequest
    {
        private readonly Queue<DispatchResponder> _reserves;
        private DateTimeOffset _deadline;
        private DateTimeOffset _nextReminder;
        private int _reminders;
        private bool _supervisorAlerted;

        public AwaitedRequest(DispatchResponder first, IEnumerable<DispatchResponder> reserves, DateTimeOffset now, AcknowledgementOptions options)
        {
            Current = first;
            _reserves = new Queue<DispatchResponder>(reserves);
            Called = new HashSet<string>(StringComparer.Ordinal) { first.Id };
            _deadline = now + options.Deadline;
            _nextReminder = now + options.ReminderInterval;
        }

        public DispatchResponder Current { get; private set; }

        public HashSet<string> Called { get; }

        public bool Answered { get; private set; }

        public string? AnsweredBy { get; private set; }

        public DateTimeOffset NextEvent => _supervisorAlerted || _nextReminder < _deadline ? _nextReminder : _deadline;

        public void Answer(string by)
        {
            if (!Answered)
            {
                Answered = true;
                AnsweredBy = by;
            }
        }

        public void Advance(string alarmId, DateTimeOffset now, AcknowledgementOptions options, ICollection<AckAction> actions)
        {
            if (Answered)
            {
                return;
            }

            while (NextEvent <= now)
            {
                if (!_supervisorAlerted && _deadline <= _nextReminder)
                {
                    var at = _deadline;
                    var unanswered = Current;
                    if (_reserves.TryDequeue(out var next))
                    {
                        Current = next;
                        Called.Add(next.Id);
                        _deadline = at + options.Deadline;
                        actions.Add(new AckAction(AckActionKind.EscalateToNext, alarmId, next.RequestIndex, next, unanswered, at, 0, false));
                    }
                    else
                    {
                        _supervisorAlerted = true;
                        actions.Add(new AckAction(AckActionKind.EscalateToSupervisor, alarmId, unanswered.RequestIndex, null, unanswered, at, 0, true));
                    }

                    _nextReminder = at + options.ReminderInterval;
                    _reminders = 0;
                    continue;
                }

                _reminders++;
                actions.Add(new AckAction(AckActionKind.Remind, alarmId, Current.RequestIndex, Current, null, _nextReminder, _reminders, _supervisorAlerted));
                _nextReminder += options.ReminderInterval;
                if (_nextReminder <= now)
                {
                    // The server fell behind: one reminder for the missed ones, the next a full interval away.
                    _nextReminder = now + options.ReminderInterval;
                }
            }
        }
    }
}
