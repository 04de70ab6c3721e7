namespace IoTFireAlert.Dispatch.Stations;

/// <summary>The three tiers of the "15-minute rescue circle".</summary>
public enum StationTier : byte
{
    FireStation = 1,
    MicroStation = 2,
    EquipmentPoint = 3,
}
