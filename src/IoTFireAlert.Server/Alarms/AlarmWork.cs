using IoTFireAlert.Ingestion.Alarms;
using IoTFireAlert.Server.Devices;

namespace IoTFireAlert.Server.Alarms;

/// <summary>Work for the single alarm writer: verdicts from the pipeline, or an operator's action.</summary>
public abstract class AlarmWork
{
    private protected AlarmWork()
    {
    }
}

/// <summary>
/// A device's rule verdicts. <see cref="AfterCommit"/> acknowledges the MQTT message that carried
/// them: it runs only after the transaction holding the alarm has committed, which is how a
/// received alarm survives a crash (the broker redelivers anything not acknowledged).
/// </summary>
public sealed class DeviceVerdicts(DeviceRecord device, AlarmTransition[] transitions, Action? afterCommit, string? detail = null, long? sequence = null) : AlarmWork
{
    /// <summary>The payload's sequence number, when it had one: how a redelivered message is told from a new one.</summary>
    public long? Sequence { get; } = sequence;

    public DeviceRecord Device { get; } = device;
    public AlarmTransition[] Transitions { get; } = transitions;
    public Action? AfterCommit { get; } = afterCommit;
    /// <summary>Free text for the timeline (e.g. why a spoofing warning was raised).</summary>
    public string? Detail { get; } = detail;
}

/// <summary>An acknowledgement or resolution by a person; <see cref="Completion"/> carries the outcome back to the API.</summary>
public sealed class OperatorAction(long alarmId, OperatorActionKind kind, string actor, ResolutionCause? cause, string? note) : AlarmWork
{
    public long AlarmId { get; } = alarmId;
    public OperatorActionKind Kind { get; } = kind;
    public string Actor { get; } = actor;
    public ResolutionCause? Cause { get; } = cause;
    public string? Note { get; } = note;
    public TaskCompletionSource<OperatorActionResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

public enum OperatorActionKind : byte
{
    Acknowledge = 1,
    Resolve = 2,
}

/// <summary>What happened to an operator's action: the alarm after it, or why it was refused.</summary>
public sealed record OperatorActionResult(AlarmRecord? Alarm, string? Error, int StatusCode);

/// <summary>
/// What happens after a dispatch, written to the alarm's timeline with its pushes in one
/// transaction: a responder answered, a reminder went out, the call escalated to the next unit or
/// the supervisor. Ignored when the alarm is gone or closed.
/// </summary>
public sealed class DispatchFollowUp(long alarmId, string what, string actor, string detail, IReadOnlyList<OutboxMessage> messages) : AlarmWork
{
    public long AlarmId { get; } = alarmId;
    public string What { get; } = what;
    public string Actor { get; } = actor;
    public string Detail { get; } = detail;
    public IReadOnlyList<OutboxMessage> Messages { get; } = messages;
}
