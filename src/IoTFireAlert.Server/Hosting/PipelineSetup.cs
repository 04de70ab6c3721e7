using System.Text;
using IoTFireAlert.Ingestion.Decoders;
using IoTFireAlert.Ingestion.Rules;
using IoTFireAlert.Mqtt;
using IoTFireAlert.Server.Api;
using IoTFireAlert.Server.DeadLetters;
using IoTFireAlert.Server.Devices;
using IoTFireAlert.Server.Metrics;
using IoTFireAlert.Server.Pipeline;
using IoTFireAlert.Telemetry;
using IoTFireAlert.Telemetry.Points;

namespace IoTFireAlert.Server.Hosting;

/// <summary>Registers the ingestion pipeline: MQTT client, decoders, rules, device directory, partitions, telemetry store.</summary>
public static class PipelineSetup
{
    public static void Add(WebApplicationBuilder builder, List<string> problems)
    {
        var configuration = builder.Configuration;
        var root = builder.Environment.ContentRootPath;
        var mqtt = OptionsLoader.Bind<MqttSettings>(configuration, "Mqtt", problems, o => o.Validate());
        var pipeline = OptionsLoader.Bind<PipelineOptions>(configuration, "Pipeline", problems, o => o.Validate());
        var telemetry = OptionsLoader.Bind<TelemetryOptions>(configuration, "Telemetry", problems, o => o.Validate() is { Count: > 0 } p ? "Telemetry: " + string.Join("; ", p) : null);
        var registry = builder.Services.Single(s => s.ServiceType == typeof(RegistryOptions)).ImplementationInstance as RegistryOptions;
        if (problems.Count > 0 || registry is null)
        {
            return;
        }

        RuleBook rules;
        DecoderRegistry decoders;
        try
        {
            rules = RuleBook.Load(File.ReadAllText(Path.Combine(root, registry.RulesFile)));
        }
        catch (RuleBookException e)
        {
            problems.Add($"Registry:RulesFile {registry.RulesFile}: {e.Message}");
            return;
        }

        try
        {
            decoders = DecoderRegistry.Load(File.ReadAllText(Path.Combine(root, registry.DecodersFile)));
        }
        catch (Exception e) when (e is InvalidOperationException or System.Text.Json.JsonException or ArgumentException or KeyNotFoundException)
        {
            problems.Add($"Registry:DecodersFile {registry.DecodersFile}: {e.Message}");
            return;
        }

        var services = builder.Services;
        services.AddSingleton(mqtt);
        services.AddSingleton(pipeline);
        services.AddSingleton(telemetry);
        services.AddSingleton(rules);
        services.AddSingleton(decoders);
        services.AddSingleton<RuleEngine>();
        services.AddSingleton(_ => new MqttClient(mqtt.ToClientOptions()));
        services.AddSingleton<Partition[]>(sp =>
        {
            var client = sp.GetRequiredService<MqttClient>();
            var context = new PartitionContext(pipeline, decoders, sp.GetRequiredService<RuleEngine>(), sp.GetRequiredService<DeviceDirectory>(),
                sp.GetRequiredService<ITelemetrySink>(), sp.GetRequiredService<Alarms.AlarmWriter>(), sp.GetRequiredService<DeadLetterStore>(),
                sp.GetRequiredService<UnknownDeviceQuarantine>(), m => client.Acknowledge(m));
            return Enumerable.Range(0, pipeline.Partitions).Select(i => new Partition(i, context)).ToArray();
        });
        services.AddSingleton(sp => new DeviceDirectory(entry => Prepare(entry, rules, decoders, sp.GetRequiredService<Partition[]>())));
        // Hosted services start in registration order: the devices are in memory before the first message is read.
        services.AddHostedService<DeviceDirectoryLoader>();
        ServerHost.AddHosted<IngestionPipeline>(services);
        services.AddSingleton<IMetricsSource>(sp => sp.GetRequiredService<IngestionPipeline>());
        services.AddSingleton<IHealthSignal>(sp => sp.GetRequiredService<IngestionPipeline>());
        ServerHost.AddHosted<MessageRate>(services);

        // Relative store paths are from the repository root, like every other path in config/.
        telemetry.Sqlite.Path = Path.Combine(root, telemetry.Sqlite.Path);
        telemetry.InfluxDb.SpillDirectory = Path.Combine(root, telemetry.InfluxDb.SpillDirectory);
        services.AddSingleton(sp =>
        {
            var deadLetters = sp.GetRequiredService<DeadLetterStore>();
            return TelemetryStore.Open(
                telemetry,
                d => deadLetters.Add("influxdb", "influxdb", null, null, $"InfluxDB refused the line ({d.StatusCode}): {d.Error}", Encoding.UTF8.GetBytes(d.Line)),
                (e, lost) => deadLetters.Add("telemetry", "telemetry", null, null, $"the embedded telemetry store failed ({e.Message}); {lost} rows lost, later ones are stored", []));
        });
        services.AddSingleton(sp => sp.GetRequiredService<TelemetryStore>().Sink);
        services.AddSingleton<IMetricsSource>(sp => new TelemetryMetrics(sp.GetRequiredService<TelemetryStore>()));
        services.AddSingleton(sp => sp.GetRequiredService<TelemetryStore>().Reader);
    }

    /// <summary>Resolves a device's rules, tags and owner partition before the pipeline can see it.</summary>
    private static void Prepare(DeviceEntry entry, RuleBook rules, DecoderRegistry decoders, Partition[] partitions)
    {
        var record = entry.Record;
        var firstTime = entry.Rules is null;
        entry.Rules = rules.Resolve(record.Kind, record.Site, record.Id);
        entry.State.HeartbeatInterval = TimeSpan.FromSeconds(record.HeartbeatSeconds);
        entry.Tags = new DeviceTags(record.Id, record.Kind, record.Vendor, record.Site, record.Grid);
        if (firstTime)
        {
            entry.Partition = IngestionPipeline.PartitionOf(PartitionKey(record, decoders), partitions.Length);
            partitions[entry.Partition].Adopt(entry);
        }
    }

    /// <summary>The topic device id the device's messages arrive under: its own id, or for a GB/T component its transmission device's.</summary>
    private static string PartitionKey(DeviceRecord record, DecoderRegistry decoders)
    {
        if (decoders.TryGet(record.Vendor, out var decoder) && decoder is Gbt26875Decoder)
        {
            var dash = record.Id.LastIndexOf('-');
            if (dash > 0)
            {
                return record.Id[..dash];
            }
        }

        return record.Id;
    }
}
