namespace IoTFireAlert.Dispatch.Acknowledgement;

/// <summary>What an acknowledgement did.</summary>
public enum AckOutcome : byte
{
    Accepted = 1,
    AlreadyAnswered = 2,
    UnknownAlarm = 3,
    UnknownResponder = 4,
}
