using IoTFireAlert.Mqtt;

namespace IoTFireAlert.Simulator.Load;

/// <summary>Everything <c>run</c> was asked to do, validated.</summary>
public sealed record RunSettings
{
    public required MqttClientOptions Broker { get; init; }
    /// <summary>Messages per second; null = as fast as the connections take.</summary>
    public double? Rate { get; init; }
    public TimeSpan RampUp { get; init; }
    public TimeSpan? Duration { get; init; }
    public long? Count { get; init; }
    public MqttQualityOfService QoS { get; init; } = MqttQualityOfService.AtLeastOnce;
    public ConnectionMode Connections { get; init; } = new(false, 4);
    public IReadOnlyList<string> Scenarios { get; init; } = [];
    public int FleetVehicles { get; init; }
    public bool ShowProgress { get; init; }
    public int Seed { get; init; }
    /// <summary>Background messages per second one device may send (under the server's 5/s device limit).</summary>
    public double DeviceMaxRate { get; init; } = 4;
    /// <summary>Where to write when each expected alarm's message was published (JSON lines), or null.</summary>
    public string? AlarmLog { get; init; }
}
