using IoTFireAlert.Dispatch.Fleet;
using IoTFireAlert.Mqtt;
using IoTFireAlert.Server.DeadLetters;
using IoTFireAlert.Server.Pipeline;

namespace IoTFireAlert.Server.Responders;

/// <summary>MQTT <c>fleet/{vehicleId}/pos</c>: a repair vehicle's position; bad ones are dead letters with the reason.</summary>
public sealed class FleetPositionHandler(FleetPositionParser parser, FleetTracker fleet, DeadLetterStore deadLetters) : ITopicHandler
{
    public string Filter => "fleet/+/pos";

    public bool SharedFilter => true;

    public bool Matches(ReadOnlySpan<byte> topic) => topic.StartsWith("fleet/"u8) && topic.EndsWith("/pos"u8);

    public ValueTask HandleAsync(MqttInboundMessage message, CancellationToken cancellationToken)
    {
        var topic = message.Topic;
        var result = fleet.Submit(parser.ParseMqtt(topic, message.PayloadSpan));
        if (!result.IsValid)
        {
            deadLetters.Add(topic, "fleet", null, FleetPositionParser.TryGetVehicleId(topic, out var id) ? id : null, $"{result.Error}: {result.Detail}", message.PayloadSpan);
        }

        return ValueTask.CompletedTask;
    }
}
