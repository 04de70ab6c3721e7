using System.Text.Json;
using IoTFireAlert.Mqtt;
using IoTFireAlert.Server.DeadLetters;
using IoTFireAlert.Server.Pipeline;

namespace IoTFireAlert.Server.Responders;

/// <summary>MQTT <c>stations/{stationId}/ack</c> with <c>{"alarmId":123,"by":"name"}</c>: a station terminal answers the call.</summary>
public sealed class StationAckHandler(CallAndAnswer callAndAnswer, DeadLetterStore deadLetters) : ITopicHandler
{
    public string Filter => "stations/+/ack";

    public bool SharedFilter => true;

    public bool Matches(ReadOnlySpan<byte> topic) => topic.StartsWith("stations/"u8) && topic.EndsWith("/ack"u8);

    public async ValueTask HandleAsync(MqttInboundMessage message, CancellationToken cancellationToken)
    {
        var topic = message.Topic;
        var stationId = topic["stations/".Length..^"/ack".Length];
        long alarmId;
        string by;
        try
        {
            using var document = JsonDocument.Parse(message.Payload);
            alarmId = document.RootElement.GetProperty("alarmId").GetInt64();
            by = document.RootElement.TryGetProperty("by", out var name) && name.GetString() is { Length: > 0 } n ? n : stationId;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            deadLetters.Add(topic, "station-ack", null, stationId, "an acknowledgement is {\"alarmId\": <number>, \"by\": \"<name>\"}", message.PayloadSpan);
            return;
        }

        var outcome = await callAndAnswer.AnswerAsync(alarmId, stationId, $"{by} (station {stationId})", cancellationToken);
        if (outcome is IoTFireAlert.Dispatch.Acknowledgement.AckOutcome.UnknownAlarm or IoTFireAlert.Dispatch.Acknowledgement.AckOutcome.UnknownResponder)
        {
            deadLetters.Add(topic, "station-ack", null, stationId, $"acknowledgement refused: {outcome}", message.PayloadSpan);
        }
    }
}
