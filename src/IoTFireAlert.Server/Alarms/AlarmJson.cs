using System.Text.Json;
using System.Text.Json.Serialization;

namespace IoTFireAlert.Server.Alarms;

/// <summary>The JSON shape of alarms everywhere they leave the server: API, SSE, MQTT push, webhooks.</summary>
public static class AlarmJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
