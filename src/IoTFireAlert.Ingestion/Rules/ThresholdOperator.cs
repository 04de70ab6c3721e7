namespace IoTFireAlert.Ingestion.Rules;

/// <summary>How a reading is compared with a threshold (config: <c>&gt;</c>, <c>&gt;=</c>, <c>&lt;</c>, <c>&lt;=</c>).</summary>
public enum ThresholdOperator : byte
{
    Above,
    AtOrAbove,
    Below,
    AtOrBelow,
}
