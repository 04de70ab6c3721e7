namespace IoTFireAlert.Dispatch.Fleet;

/// <summary>One vehicle found by <see cref="FleetIndex"/>; <see cref="Slot"/> indexes the fleet.</summary>
public readonly record struct VehicleHit(int Slot, string VehicleId, double DistanceMeters, double EtaSeconds);
