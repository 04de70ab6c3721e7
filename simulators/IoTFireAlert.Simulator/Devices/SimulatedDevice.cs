using IoTFireAlert.Ingestion.Readings;

namespace IoTFireAlert.Simulator.Devices;

/// <summary>
/// One registered device the simulator speaks for: a row of the server's device CSV
/// (config/devices.sample.csv). Publishing as a registered device is the only way past the
/// server's registry and spoofing checks.
/// </summary>
public sealed record SimulatedDevice(
    string Id,
    DeviceKind Kind,
    string Vendor,
    string? Site,
    double Lat,
    double Lon,
    int HeartbeatSeconds)
{
    /// <summary>
    /// The device named in the topic. A GB/T 26875.3 component (<c>uitd-001-1001</c>) is reported by
    /// its user-information transmission device (<c>uitd-001</c>), whose frames name the component
    /// by address; every other device publishes under its own id.
    /// </summary>
    public string TopicDevice { get; init; } = Id;

    /// <summary>The component address inside GB/T frames (the id's numeric suffix); 0 for other formats.</summary>
    public uint ComponentAddress { get; init; }
}
