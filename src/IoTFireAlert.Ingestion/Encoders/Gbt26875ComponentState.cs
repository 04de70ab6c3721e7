namespace IoTFireAlert.Ingestion.Encoders;

/// <summary>Information object type 2: a building fire-protection component's running state.</summary>
public readonly record struct Gbt26875ComponentState(
    byte SystemType,
    byte SystemAddress,
    byte ComponentType,
    uint ComponentAddress,
    ushort State,
    long TimeUnixMs);
