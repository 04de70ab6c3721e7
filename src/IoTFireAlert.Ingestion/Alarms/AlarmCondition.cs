namespace IoTFireAlert.Ingestion.Alarms;

public enum AlarmCondition : byte
{
    Raised = 1,
    Repeat = 2,
    Cleared = 3,
}
