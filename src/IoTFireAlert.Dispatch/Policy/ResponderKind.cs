namespace IoTFireAlert.Dispatch.Policy;

/// <summary>Who answers: a station of the rescue circle, or a power-repair vehicle of the fleet.</summary>
public enum ResponderKind : byte
{
    Station = 1,
    RepairVehicle = 2,
}
