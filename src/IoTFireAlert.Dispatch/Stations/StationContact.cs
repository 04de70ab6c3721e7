namespace IoTFireAlert.Dispatch.Stations;

/// <summary>A person to call at a station; the acknowledgement ("call and answer") names them.</summary>
public sealed record StationContact(string Name, string Phone, string? Role = null);
