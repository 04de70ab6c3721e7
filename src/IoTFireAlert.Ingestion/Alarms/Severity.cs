namespace IoTFireAlert.Ingestion.Alarms;

/// <summary>Critical: fire, manual call point. Major: electrical or charging-pile danger. Minor/Warning: hazards.</summary>
public enum Severity : byte
{
    Warning = 0,
    Minor = 1,
    Major = 2,
    Critical = 3,
}
