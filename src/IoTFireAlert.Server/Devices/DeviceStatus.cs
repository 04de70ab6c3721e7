namespace IoTFireAlert.Server.Devices;

/// <summary>The live view of a device for the API and console.</summary>
public sealed record DeviceStatus(bool Online, long? LastSeen);
