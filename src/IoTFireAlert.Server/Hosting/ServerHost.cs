using IoTFireAlert.Server.Alarms;
using IoTFireAlert.Server.Api;
using IoTFireAlert.Server.DeadLetters;
using IoTFireAlert.Server.Devices;
using IoTFireAlert.Server.Metrics;
using IoTFireAlert.Server.Security;
using IoTFireAlert.Server.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace IoTFireAlert.Server.Hosting;

/// <summary>Builds the web host: configuration (config/iotfire.json, then IOTFIRE_* environment variables), validated services, endpoints.</summary>
public static class ServerHost
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length >= 1 && args[0] == "hash-password")
        {
            // The password comes from standard input, never the command line (it would sit in the shell history).
            var password = (await Console.In.ReadLineAsync().ConfigureAwait(false))?.TrimEnd('\r', '\n') ?? "";
            if (password.Length < 10)
            {
                await Console.Error.WriteLineAsync("a console password needs at least 10 characters").ConfigureAwait(false);
                return 2;
            }

            Console.WriteLine(PasswordHashes.Hash(password));
            return 0;
        }

        WebApplication app;
        try
        {
            app = Build(args);
        }
        catch (ConfigurationProblemException e)
        {
            await Console.Error.WriteLineAsync("IoTFireAlert cannot start:\n  - " + string.Join("\n  - ", e.Problems)).ConfigureAwait(false);
            return 2;
        }

        if (args.Length >= 2 && args[0] == "import-devices")
        {
            return await ImportDevicesAsync(app, args[1]).ConfigureAwait(false);
        }

        await app.RunAsync().ConfigureAwait(false);
        return 0;
    }

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = FindContentRoot() });
        var configFile = ArgumentAfter(args, "--config") ?? "config/iotfire.json";
        builder.Configuration.Sources.Clear();
        builder.Configuration
            .AddJsonFile(Path.Combine(builder.Environment.ContentRootPath, configFile), optional: false)
            .AddEnvironmentVariables("IOTFIRE_")
            .AddCommandLine(args.Where(a => a != "--demo" && !a.StartsWith("import-", StringComparison.Ordinal)).ToArray());
        configure?.Invoke(builder);

        var configuration = builder.Configuration;
        var problems = new List<string>();
        var storage = OptionsLoader.Bind<StorageOptions>(configuration, "Storage", problems, o => o.Validate());
        var registry = OptionsLoader.Bind<RegistryOptions>(configuration, "Registry", problems, o => o.Validate(builder.Environment.ContentRootPath));
        var alarms = OptionsLoader.Bind<AlarmOptions>(configuration, "Alarms", problems, o => o.Validate());
        var deadLetters = OptionsLoader.Bind<DeadLetterOptions>(configuration, "DeadLetters", problems, o => o.Validate());
        var security = OptionsLoader.Bind<SecurityOptions>(configuration, "Security", problems, o => null);
        security.Demo |= args.Contains("--demo");
        if (security.Validate() is { } securityProblem)
        {
            problems.Add(securityProblem);
        }

        var urls = configuration["Http:Urls"] ?? "http://127.0.0.1:8080";
        if (problems.Count > 0)
        {
            throw new ConfigurationProblemException(problems);
        }

        builder.WebHost.UseUrls(urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });

        var database = new SqliteDatabase(Path.Combine(builder.Environment.ContentRootPath, storage.SqlitePath), storage.Synchronous);
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(database);
        services.AddSingleton(registry);
        services.AddSingleton(alarms);
        services.AddSingleton(deadLetters);
        services.AddSingleton(security);
        services.AddSingleton<ApiKeyAuthenticator>();
        services.AddSingleton<LoginSessions>();
        SecurityEndpoints.AddRateLimits(services, security);
        services.AddSingleton<DeviceRepository>();
        services.AddSingleton<AlarmQueries>();
        services.AddSingleton<AlarmEventHub>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<AlarmLifecycle>();

        AddHosted<AlarmWriter>(services);
        AddHosted<DatabaseCheckpointer>(services);
        services.AddSingleton<IMetricsSource>(sp => sp.GetRequiredService<DatabaseCheckpointer>());
        AddHosted<DeadLetterStore>(services);
        AddHosted<UnknownDeviceQuarantine>(services);
        services.AddSingleton<IMetricsSource, AlarmMetrics>();
        services.AddSingleton<IMetricsSource, RuntimeMetrics>();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = AlarmJson.Options.PropertyNamingPolicy;
            foreach (var converter in AlarmJson.Options.Converters)
            {
                o.SerializerOptions.Converters.Add(converter);
            }

            o.SerializerOptions.DefaultIgnoreCondition = AlarmJson.Options.DefaultIgnoreCondition;
        });
        PipelineSetup.Add(builder, problems);
        Responders.ResponderSetup.Add(builder, problems);
        services.TryAddSingleton<IAlarmDispatchPlanner, NoDispatchPlanner>();
        Hazards.HazardSetup.Add(builder, problems);
        if (problems.Count > 0)
        {
            throw new ConfigurationProblemException(problems);
        }

        database.ApplySchema();
        var app = builder.Build();
        app.Services.GetRequiredService<AlarmEventHub>().StartAfter(app.Services.GetRequiredService<AlarmQueries>().LastEventIdAsync(CancellationToken.None).GetAwaiter().GetResult());
        app.UseMiddleware<SecurityHeaders>();
        app.UseMiddleware<AuditLog>();
        app.UseRateLimiter();
        app.UseStatusCodePages();
        app.UseMiddleware<RoleGate>();
        HealthEndpoints.Map(app);
        SecurityEndpoints.Map(app);
        MetricsEndpoint.Map(app);
        DeviceEndpoints.Map(app);
        AlarmEndpoints.Map(app);
        AlarmStreamEndpoint.Map(app);
        DeadLetterEndpoints.Map(app);
        TelemetryEndpoints.Map(app);
        SummaryEndpoints.Map(app);
        ResponderEndpoints.Map(app);
        Hazards.HazardEndpoints.Map(app);
        ConsoleEndpoints.Map(app);
        return app;
    }

    /// <summary>Registers a background service once, reachable both as itself and as a hosted service.</summary>
    public static void AddHosted<T>(IServiceCollection services)
        where T : class, IHostedService
    {
        services.AddSingleton<T>();
        services.AddHostedService(sp => sp.GetRequiredService<T>());
    }

    private static async Task<int> ImportDevicesAsync(WebApplication app, string path)
    {
        var text = await File.ReadAllTextAsync(path).ConfigureAwait(false);
        var result = DeviceImport.Parse(text, Path.GetExtension(path).Equals(".json", StringComparison.OrdinalIgnoreCase) ? "application/json" : "text/csv");
        foreach (var error in result.Errors)
        {
            await Console.Error.WriteLineAsync(error).ConfigureAwait(false);
        }

        await app.Services.GetRequiredService<DeviceRepository>().UpsertAsync(result.Devices, CancellationToken.None).ConfigureAwait(false);
        Console.WriteLine($"imported {result.Devices.Count} devices, {result.Errors.Count} rows rejected");
        return result.Devices.Count == 0 && result.Errors.Count > 0 ? 1 : 0;
    }

    private static string? ArgumentAfter(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    /// <summary>The repository root (where config/ is), so relative paths work from the build output too.</summary>
    private static string FindContentRoot()
    {
        if (Environment.GetEnvironmentVariable("IOTFIRE_ROOT") is { Length: > 0 } root)
        {
            return root;
        }

        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "config", "iotfire.json")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
