namespace IoTFireAlert.Ingestion.Encoders;

/// <summary>Information object type 1: a fire-protection system's state (e.g. the alarm control panel).</summary>
public readonly record struct Gbt26875SystemState(byte SystemType, byte SystemAddress, ushort State, long TimeUnixMs);
