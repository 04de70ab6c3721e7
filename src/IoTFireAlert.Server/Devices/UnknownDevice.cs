namespace IoTFireAlert.Server.Devices;

/// <summary>A device that published but is not registered: quarantined, counted, never trusted.</summary>
public sealed record UnknownDevice(string Vendor, string DeviceId, long FirstSeen, long LastSeen, long Count, string? LastPayloadBase64);
