using System.Text;
using IoTFireAlert.Mqtt;

namespace IoTFireAlert.Server.Notify;

/// <summary>Delivers a push as a QoS 1 PUBLISH (e.g. to <c>stations/{id}/alarms</c>); delivered means the broker acknowledged it.</summary>
public sealed class MqttPushChannel(MqttClient client) : IPushChannel
{
    public string Name => "mqtt";

    public async Task<string?> DeliverAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        if (!client.IsConnected)
        {
            return "the broker connection is down";
        }

        await client.PublishAsync(entry.Target, Encoding.UTF8.GetBytes(entry.Body), MqttQualityOfService.AtLeastOnce, retain: false, cancellationToken).ConfigureAwait(false);
        return null;
    }
}
