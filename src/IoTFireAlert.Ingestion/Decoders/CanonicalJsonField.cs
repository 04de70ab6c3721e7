namespace IoTFireAlert.Ingestion.Decoders;

/// <summary>The canonical JSON fields the decoder knows; anything else is skipped.</summary>
internal enum CanonicalJsonField : byte
{
    Unknown,
    Version,
    Timestamp,
    Sequence,
    Kind,
    Test,
    Heartbeat,
    Smoke,
    Fire,
    ManualCallPoint,
    Heat,
    Gas,
    Tamper,
    Fault,
    BatteryPercent,
    ResidualCurrent,
    CableTemperature,
    Voltage,
    Current,
    Temperature,
    GasLel,
    SmokeDensity,
    SignalStrength,
    Leakage,
    Ports,
    Port,
    Power,
}
