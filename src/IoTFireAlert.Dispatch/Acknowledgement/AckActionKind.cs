namespace IoTFireAlert.Dispatch.Acknowledgement;

/// <summary>What the server must do for an unanswered call.</summary>
public enum AckActionKind : byte
{
    /// <summary>Call the current responder again (and the supervisor too once alerted).</summary>
    Remind = 1,

    /// <summary>The deadline passed: call the next nearest unit of the same request.</summary>
    EscalateToNext = 2,

    /// <summary>The deadline passed and no unit is left: alert the supervisor.</summary>
    EscalateToSupervisor = 3,
}
