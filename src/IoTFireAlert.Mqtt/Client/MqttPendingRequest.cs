using IoTFireAlert.Mqtt.Packets;

namespace IoTFireAlert.Mqtt;

/// <summary>A SUBSCRIBE or UNSUBSCRIBE awaiting its SUBACK/UNSUBACK; resent on reconnect.</summary>
internal sealed class MqttPendingRequest
{
    public MqttPendingRequest(MqttPacket packet)
    {
        Packet = packet;
    }

    public MqttPacket Packet { get; }

    public TaskCompletionSource<MqttPacket> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
