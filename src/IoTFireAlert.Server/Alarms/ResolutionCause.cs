namespace IoTFireAlert.Server.Alarms;

/// <summary>Why an alarm was resolved; the statistics of false alarms depend on it.</summary>
public enum ResolutionCause : byte
{
    Fire = 1,
    FalseAlarm = 2,
    Test = 3,
    Nuisance = 4,
    Fault = 5,
}
