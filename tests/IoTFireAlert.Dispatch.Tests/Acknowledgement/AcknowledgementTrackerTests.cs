using IoTFireAlert.Dispatch.Acknowledgement;
using IoTFireAlert.Dispatch.Geo;
using IoTFireAlert.Dispatch.Policy;

namespace IoTFireAlert.Dispatch.Tests.Acknowledgement;

public sealed class AcknowledgementTrackerTests
{
    private static readonly DateTimeOffset T0 = new(2025, 6, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly ManualClock _clock = new(T0);
    private readonly AcknowledgementTracker _tracker;
    private readonly List<AckAction> _actions = [];

    public AcknowledgementTrackerTests()
    {
        _tracker = new AcknowledgementTracker(new AcknowledgementOptions(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(20)), _clock);
    }

    [Fact]
    public void Due_NobodyAnswers_RemindsThenEscalatesThroughReservesThenSupervisor()
    {
        _tracker.Dispatched("A1", Plan(("MS-1", 0, true), ("MS-2", 0, false), ("MS-3", 0, false)));

        Assert.Equal(0, _tracker.Due(T0.AddSeconds(19), _actions));
        Assert.Equal(T0.AddSeconds(20), _tracker.NextDueAt);

        Step(20, (AckActionKind.Remind, "MS-1"));
        Step(40, (AckActionKind.Remind, "MS-1"));
        Step(60, (AckActionKind.EscalateToNext, "MS-2"));
        Assert.Equal("MS-1", _actions[^1].Unanswered!.Id);
        Step(80, (AckActionKind.Remind, "MS-2"));
        Step(100, (AckActionKind.Remind, "MS-2"));
        Step(120, (AckActionKind.EscalateToNext, "MS-3"));
        Step(140, (AckActionKind.Remind, "MS-3"));
        Step(160, (AckActionKind.Remind, "MS-3"));
        Step(180, (AckActionKind.EscalateToSupervisor, null));
        Assert.Equal("MS-3", _actions[^1].Unanswered!.Id);
        Step(200, (AckActionKind.Remind, "MS-3"));
        Assert.True(_actions[^1].SupervisorAlerted);
        Step(220, (AckActionKind.Remind, "MS-3"));
        Step(240, (AckActionKind.Remind, "MS-3"));
        Assert.Equal(3, _actions[^1].ReminderNumber);
        Assert.Equal(1, _tracker.OpenAlarms);
    }

    [Fact]
    public void Acknowledged_BeforeDeadline_NothingMoreHappens()
    {
        _tracker.Dispatched("A1", Plan(("MS-1", 0, true), ("MS-2", 0, false)));
        Step(20, (AckActionKind.Remind, "MS-1"));

        Assert.Equal(AckOutcome.Accepted, _tracker.Acknowledged("A1", "MS-1", "Zhang Wei"));

        Assert.Equal(0, _tracker.Due(T0.AddHours(1), _actions));
        Assert.Equal(0, _tracker.OpenAlarms);
        Assert.Null(_tracker.NextDueAt);
    }

    [Fact]
    public void Acknowledged_ByUnitEscalatedAway_StopsEscalation()
    {
        _tracker.Dispatched("A1", Plan(("MS-1", 0, true), ("MS-2", 0, false), ("MS-3", 0, false)));
        _tracker.Due(T0.AddSeconds(60), _actions);
        Assert.Equal(AckActionKind.EscalateToNext, _actions[^1].Kind);

        Assert.Equal(AckOutcome.Accepted, _tracker.Acknowledged("A1", "MS-1", "late but there"));

        _actions.Clear();
        Assert.Equal(0, _tracker.Due(T0.AddHours(1), _actions));
        Assert.Equal(AckOutcome.UnknownAlarm, _tracker.Acknowledged("A1", "MS-2", "x"));
    }

    [Fact]
    public void Acknowledged_OneOfTwoRequests_OnlyTheOtherEscalates()
    {
        _tracker.Dispatched("A1", Plan(("MS-1", 0, true), ("FS-1", 1, true), ("FS-2", 1, false)));

        Assert.Equal(AckOutcome.Accepted, _tracker.Acknowledged("A1", "MS-1", "Li Na"));
        Assert.Equal(AckOutcome.AlreadyAnswered, _tracker.Acknowledged("A1", "MS-1", "Li Na"));
        Assert.Equal(AckOutcome.UnknownResponder, _tracker.Acknowledged("A1", "NOBODY", "?"));
        _tracker.Due(T0.AddSeconds(60), _actions);

        Assert.All(_actions, a => Assert.Equal(1, a.RequestIndex));
        Assert.Equal((AckActionKind.EscalateToNext, "FS-2"), (_actions[^1].Kind, _actions[^1].Target!.Id));
    }

    [Fact]
    public void Acknowledged_BySupervisor_AnswersEverything()
    {
        _tracker.Dispatched("A1", Plan(("MS-1", 0, true), ("FS-1", 1, true)));
        _tracker.Due(T0.AddSeconds(61), _actions);
        Assert.Contains(_actions, a => a.Kind == AckActionKind.EscalateToSupervisor);

        Assert.Equal(AckOutcome.Accepted, _tracker.Acknowledged("A1", AcknowledgementTracker.Supervisor, "Chief Chen"));

        _actions.Clear();
        Assert.Equal(0, _tracker.Due(T0.AddHours(1), _actions));
        Assert.Equal(0, _tracker.OpenAlarms);
    }

    [Fact]
    public void Due_ServerFellBehind_EscalationsInOrderRemindersCollapsed()
    {
        _tracker.Dispatched("A1", Plan(("MS-1", 0, true), ("MS-2", 0, false)));
        _clock.Advance(TimeSpan.FromSeconds(1000));

        _tracker.Due(_actions);

        var escalations = _actions.Where(a => a.Kind != AckActionKind.Remind).ToList();
        Assert.Equal([AckActionKind.EscalateToNext, AckActionKind.EscalateToSupervisor], escalations.Select(a => a.Kind));
        Assert.Equal([T0.AddSeconds(60), T0.AddSeconds(120)], escalations.Select(a => a.At));
        Assert.True(_actions.Count(a => a.Kind == AckActionKind.Remind) <= 4);
        Assert.Equal(T0.AddSeconds(1020), _tracker.NextDueAt);
    }

    [Fact]
    public void Dispatched_EmptyPlan_NothingTracked()
    {
        _tracker.Dispatched("A1", DispatchPlan.None);

        Assert.Equal(0, _tracker.OpenAlarms);
        Assert.Equal(AckOutcome.UnknownAlarm, _tracker.Acknowledged("A1", "MS-1", "x"));
    }

    private void Step(int seconds, (AckActionKind Kind, string? Target) expected)
    {
        _actions.Clear();
        _clock.Set(T0.AddSeconds(seconds));
        Assert.Equal(0, _tracker.Due(T0.AddSeconds(seconds - 1), _actions));
        Assert.Equal(1, _tracker.Due(_actions));
        var action = _actions[0];
        Assert.Equal(expected, (action.Kind, action.Target?.Id));
        Assert.Equal(T0.AddSeconds(seconds), action.At);
        Assert.Equal("A1", action.AlarmId);
    }

    private static DispatchPlan Plan(params (string Id, int Request, bool Primary)[] units)
    {
        static DispatchResponder R(string id, int request) =>
            new(ResponderKind.Station, id, id, ResponseMeans.SmallEngine, 500, 60, ResponderRole.Primary, request);

        return new DispatchPlan(
            "test",
            units.Where(u => u.Primary).Select(u => R(u.Id, u.Request)).ToList(),
            units.Where(u => !u.Primary).Select(u => R(u.Id, u.Request)).ToList(),
            []);
    }
}
