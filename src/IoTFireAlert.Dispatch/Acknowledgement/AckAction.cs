using IoTFireAlert.Dispatch.Policy;

namespace IoTFireAlert.Dispatch.Acknowledgement;

/// <summary>
/// One step of "call and answer" for request <see cref="RequestIndex"/> of an alarm.
/// <see cref="Target"/> is who to call now (null when escalating to the supervisor);
/// <see cref="Unanswered"/> is who let the deadline pass. <see cref="At"/> is when it fell due.
/// </summary>
public readonly record struct AckAction(
    AckActionKind Kind,
    string AlarmId,
    int RequestIndex,
    DispatchResponder? Target,
    DispatchResponder? Unanswered,
    DateTimeOffset At,
    int ReminderNumber,
    bool SupervisorAlerted);
