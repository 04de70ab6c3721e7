using IoTFireAlert.Dispatch.Fleet;
using IoTFireAlert.Dispatch.Policy;
using IoTFireAlert.Server.Alarms;
using IoTFireAlert.Server.Api;
using IoTFireAlert.Server.Hosting;
using IoTFireAlert.Server.Metrics;
using IoTFireAlert.Server.Notify;
using IoTFireAlert.Server.Pipeline;

namespace IoTFireAlert.Server.Responders;

/// <summary>Registers dispatch (stations, fleet, policy, call and answer) and push delivery (outbox, MQTT, webhooks).</summary>
public static class ResponderSetup
{
    public static void Add(WebApplicationBuilder builder, List<string> problems)
    {
        var root = builder.Environment.ContentRootPath;
        var settings = OptionsLoader.Bind<DispatchSettings>(builder.Configuration, "Dispatch", problems, o => o.Validate(root));
        var outbox = OptionsLoader.Bind<OutboxOptions>(builder.Configuration, "Outbox", problems, o => o.Validate());
        var services = builder.Services;
        services.AddSingleton(settings);
        services.AddSingleton(outbox);
        services.AddSingleton<IPushChannel>(sp => new MqttPushChannel(sp.GetRequiredService<IoTFireAlert.Mqtt.MqttClient>()));
        services.AddSingleton<IPushChannel>(sp => new WebhookPushChannel(new HttpClient { Timeout = Timeout.InfiniteTimeSpan }, settings));
        ServerHost.AddHosted<OutboxDeliverer>(services);
        services.AddSingleton<IMetricsSource>(sp => sp.GetRequiredService<OutboxDeliverer>());
        if (!settings.Enabled || problems.Count > 0)
        {
            return;
        }

        DispatchPolicy policy;
        try
        {
            policy = DispatchPolicy.Load(Path.Combine(root, settings.PolicyFile));
        }
        catch (InvalidDataException e)
        {
            problems.Add($"Dispatch:PolicyFile: {e.Message}");
            return;
        }

        services.AddSingleton(policy);
        services.AddSingleton(policy.Travel);
        services.AddSingleton(policy.Acknowledgement);
        services.AddSingleton(sp => new FleetPositionParser(policy.FleetPositions, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp =>
        {
            var registry = new StationRegistry(sp.GetRequiredService<Storage.SqliteDatabase>(), policy.Travel);
            registry.Load(settings.StationsFile is null ? null : Path.Combine(root, settings.StationsFile), sp.GetRequiredService<ILogger<StationRegistry>>());
            return registry;
        });
        services.AddSingleton(sp =>
        {
            var fleet = ActivatorUtilities.CreateInstance<FleetTracker>(sp);
            fleet.Load(settings.FleetFile is null ? null : Path.Combine(root, settings.FleetFile));
            return fleet;
        });
        services.AddHostedService(sp => sp.GetRequiredService<FleetTracker>());
        services.AddSingleton<IMetricsSource>(sp => sp.GetRequiredService<FleetTracker>());
        services.AddSingleton<ResponderPush>();
        ServerHost.AddHosted<CallAndAnswer>(services);
        services.AddSingleton<IDispatchSummary>(sp => sp.GetRequiredService<CallAndAnswer>());
        services.AddSingleton<IMetricsSource>(sp => sp.GetRequiredService<CallAndAnswer>());
        services.AddSingleton<IAlarmDispatchPlanner, DispatchPlanner>();
        services.AddSingleton<ITopicHandler, FleetPositionHandler>();
        services.AddSingleton<ITopicHandler, StationAckHandler>();
        services.AddSingleton<IMapLayer>(sp => new MapLayer("stations", () => sp.GetRequiredService<StationRegistry>().All().Select(ResponderEndpoints.StationView).ToList()));
        services.AddSingleton<IMapLayer>(sp => new MapLayer("vehicles", () => sp.GetRequiredService<FleetTracker>().Vehicles.Select(ResponderEndpoints.VehicleView).ToList()));
    }

    private sealed class MapLayer(string name, Func<object> items) : IMapLayer
    {
        public string Name => name;

        public object Items() => items();
    }
}
