namespace IoTFireAlert.Ingestion.Encoders;

/// <summary>Information object type 21: the user-information transmission device's own running state.</summary>
public readonly record struct Gbt26875TransmissionDeviceState(byte State, long TimeUnixMs);
