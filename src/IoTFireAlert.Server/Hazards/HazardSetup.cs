using IoTFireAlert.Server.Alarms;
using IoTFireAlert.Server.Hosting;
using IoTFireAlert.Server.Metrics;

namespace IoTFireAlert.Server.Hazards;

/// <summary>
/// Registers work orders, site codes and the overdue sweep. Their rules live in their own file,
/// config/hazards.json (or the file Hazards:File names), overridden by IOTFIRE_Hazards__* variables.
/// </summary>
public static class HazardSetup
{
    public static void Add(WebApplicationBuilder builder, List<string> problems)
    {
        var options = Load(builder.Configuration, builder.Environment.ContentRootPath, problems);
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton<SiteRiskRules>();
        services.AddSingleton<WorkOrderStore>();
        services.AddSingleton<IAlarmTransactionHook, HazardAlarmHook>();
        services.AddSingleton<WorkOrderService>();
        services.AddSingleton<SiteRegister>();
        services.AddSingleton<HazardStatistics>();
        services.AddSingleton<IMetricsSource, HazardMetrics>();
        ServerHost.AddHosted<OverdueEscalation>(services);
    }

    /// <summary>Reads the hazard rules; a missing default file means built-in defaults with no grids (orders then wait in "found" for a person to assign them).</summary>
    public static HazardOptions Load(IConfiguration main, string contentRoot, List<string> problems)
    {
        var named = main["Hazards:File"];
        var path = Path.Combine(contentRoot, named ?? HazardOptions.DefaultFile);
        if (named is not null && !File.Exists(path))
        {
            problems.Add($"Hazards:File: '{path}' does not exist");
            return new HazardOptions();
        }

        var configuration = new ConfigurationBuilder()
            .AddJsonFile(path, optional: true)
            .AddEnvironmentVariables("IOTFIRE_")
            .Build();
        var before = problems.Count;
        var options = OptionsLoader.Bind<HazardOptions>(configuration, "Hazards", problems, _ => null);
        if (problems.Count == before)
        {
            problems.AddRange(options.Validate());
        }

        return options;
    }
}
