namespace IoTFireAlert.Dispatch.Fleet;

/// <summary>A parsed position or the reason it was rejected (with a detail for the log).</summary>
public readonly record struct FleetPositionResult(FleetPositionError Error, string? Detail, FleetPosition Position)
{
    public bool IsValid => Error == FleetPositionError.None;

    public static FleetPositionResult Ok(FleetPosition position) => new(FleetPositionError.None, null, position);

    public static FleetPositionResult Fail(FleetPositionError error, string detail) => new(error, detail, default);

    /// <summary>For the caller, which knows the registered vehicles: the parser does not.</summary>
    public static FleetPositionResult Unknown(string vehicleId) => Fail(FleetPositionError.UnknownVehicle, $"vehicle '{vehicleId}' is not registered");
}
