namespace IoTFireAlert.Ingestion.Encoders;

/// <summary>The control unit of a GB/T 26875.3 frame; addresses are 6-byte values (low byte first on the wire).</summary>
public readonly record struct Gbt26875FrameHeader(
    ushort Serial,
    byte Command,
    long TimeUnixMs,
    ulong SourceAddress = 0,
    ulong DestinationAddress = 0,
    byte VersionMajor = 1,
    byte VersionMinor = 0);
