namespace IoTFireAlert.Ingestion.Readings;

/// <summary>What a registered device is; rule sets are configured per kind.</summary>
public enum DeviceKind : byte
{
    Unknown = 0,
    SmokeDetector = 1,
    ManualCallPoint = 2,
    ElectricalFireMonitor = 3,
    ChargingPile = 4,
    HeatDetector = 5,
    GasDetector = 6,
}
