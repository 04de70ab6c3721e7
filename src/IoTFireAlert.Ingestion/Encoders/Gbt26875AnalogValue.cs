namespace IoTFireAlert.Ingestion.Encoders;

/// <summary>Information object type 3: one analog value of a component, in the analog type's unit (e.g. 0.1 degC).</summary>
public readonly record struct Gbt26875AnalogValue(
    byte SystemType,
    byte SystemAddress,
    byte ComponentType,
    uint ComponentAddress,
    byte AnalogType,
    short Value,
    long TimeUnixMs);
