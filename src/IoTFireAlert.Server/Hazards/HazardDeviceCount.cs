namespace IoTFireAlert.Server.Hazards;

/// <summary>A device with many hazards: its work orders and the reports they gathered.</summary>
public sealed record HazardDeviceCount
{
    public required string DeviceId { get; init; }
    public string? Site { get; init; }
    public long Orders { get; init; }
    public long Reports { get; init; }
}
