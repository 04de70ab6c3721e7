using System.Globalization;
using System.Text.Json;
using IoTFireAlert.Dispatch.Policy;
using IoTFireAlert.Server.Alarms;
using IoTFireAlert.Server.Devices;

namespace IoTFireAlert.Server.Responders;

/// <summary>Builds the pushes for one responder: MQTT to a station's terminal, signed webhooks to station systems or the fleet tracker.</summary>
public sealed class ResponderPush(DispatchSettings settings)
{
    public IReadOnlyList<OutboxMessage> For(AlarmRecord alarm, DeviceRecord? device, DispatchResponder responder, string reason, DateTimeOffset ackDeadline, string keySuffix)
    {
        var body = JsonSerializer.Serialize(new
        {
            reason,
            alarm,
            device = device is null ? null : new { device.Id, device.Name, device.Site, device.Address, device.Building, device.Floor, device.Lat, device.Lon, device.Contacts },
            responder = Describe(responder),
            ackDeadline = ackDeadline.ToUnixTimeMilliseconds(),
            ackTopic = responder.Kind == ResponderKind.Station ? $"stations/{responder.Id}/ack" : null,
            ackUrl = $"/api/alarms/{alarm.Id}/responders/{Uri.EscapeDataString(responder.Id)}/ack",
        }, AlarmJson.Options);
        var key = $"alarm-{alarm.Id.ToString(CultureInfo.InvariantCulture)}-{responder.Id}-{keySuffix}";
        var messages = new List<OutboxMessage>();
        if (responder.Kind == ResponderKind.Station)
        {
            messages.Add(new OutboxMessage("mqtt", $"stations/{responder.Id}/alarms", body, key));
        }

        var audience = responder.Kind == ResponderKind.Station ? "stations" : "fleet";
        foreach (var hook in settings.Webhooks.Where(h => h.For == audience || h.For == "all"))
        {
            messages.Add(new OutboxMessage("webhook", hook.Name, body, $"{key}-{hook.Name}"));
        }

        return messages;
    }

    public OutboxMessage Supervisor(AlarmRecord alarm, string detail, string keySuffix) =>
        new("mqtt", settings.SupervisorTopic, JsonSerializer.Serialize(new { reason = "escalated", detail, alarm }, AlarmJson.Options),
            $"alarm-{alarm.Id.ToString(CultureInfo.InvariantCulture)}-supervisor-{keySuffix}");

    public static object Describe(DispatchResponder r) => new
    {
        kind = r.Kind == ResponderKind.Station ? "station" : "vehicle",
        id = r.Id,
        name = r.Name,
        means = r.Means.ToString(),
        role = r.Role.ToString().ToLowerInvariant(),
        distanceM = Math.Round(r.DistanceMeters),
        etaSeconds = Math.Round(r.EtaSeconds),
    };
}
