using IoTFireAlert.Ingestion.Alarms;

namespace IoTFireAlert.Simulator.Scenarios;

/// <summary>An alarm a scenario should raise, and the message that should raise it (for latency: publish to alarm).</summary>
public sealed record ExpectedAlarm(string DeviceId, AlarmType Type, ScenarioMessage Message)
{
    /// <summary>The alarm type as the server's API and alarm stream spell it (snake_case).</summary>
    public string TypeName => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(Type.ToString());
}
