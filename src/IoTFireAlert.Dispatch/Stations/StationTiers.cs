namespace IoTFireAlert.Dispatch.Stations;

/// <summary>A set of tiers, for search filters.</summary>
[Flags]
public enum StationTiers : byte
{
    None = 0,
    FireStation = 1 << (StationTier.FireStation - 1),
    MicroStation = 1 << (StationTier.MicroStation - 1),
    EquipmentPoint = 1 << (StationTier.EquipmentPoint - 1),
    All = FireStation | MicroStation | EquipmentPoint,
}
