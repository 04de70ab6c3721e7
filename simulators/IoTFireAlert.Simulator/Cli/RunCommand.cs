using System.CommandLine;
using System.Globalization;
using IoTFireAlert.Ingestion.Decoders;
using IoTFireAlert.Ingestion.Rules;
using IoTFireAlert.Mqtt;
using IoTFireAlert.Simulator.City;
using IoTFireAlert.Simulator.Devices;
using IoTFireAlert.Simulator.Fleet;
using IoTFireAlert.Simulator.Load;
using IoTFireAlert.Simulator.Payloads;
using IoTFireAlert.Simulator.Scenarios;

namespace IoTFireAlert.Simulator.Cli;

/// <summary><c>run</c>: a virtual fleet of devices (and vehicles) publishing at a target rate, with scenarios played alongside.</summary>
public static class RunCommand
{
    public static Command Create(TextWriter output, TextWriter log)
    {
        var broker = new BrokerOptions();
        var devicesFile = new Option<string?>("--devices-file") { Description = "Devices in the server's CSV import format (config/devices.sample.csv); publishes as them" };
        var devices = new Option<int?>("--devices") { Description = "N devices of the demo city 'generate --devices N --seed S' writes" };
        var rate = new Option<string>("--rate") { Description = "Messages per second, or 'max'", DefaultValueFactory = _ => "max" };
        var rampUp = new Option<string>("--ramp-up") { Description = "Time to climb to the rate, e.g. 5s", DefaultValueFactory = _ => "0s" };
        var duration = new Option<string?>("--duration") { Description = "How long the background load runs, e.g. 30s" };
        var count = new Option<long?>("--count") { Description = "How many background messages to send" };
        var qos = new Option<int>("--qos") { Description = "0 or 1", DefaultValueFactory = _ => 1 };
        var connections = new Option<string>("--connections") { Description = "Number of multiplexed connections, or 'per-device' (client id = device id)", DefaultValueFactory = _ => "4" };
        var scenarios = new Option<string[]>("--scenario") { Description = "config/scenarios/NAME.json or a path; repeatable", AllowMultipleArgumentsPerToken = false };
        var fleet = new Option<int>("--fleet") { Description = "Vehicles driving along routes, one position a second each", DefaultValueFactory = _ => 0 };
        var fleetFile = new Option<string?>("--fleet-file") { Description = "Vehicles (config/fleet.sample.json format); default config/fleet.sample.json" };
        var noProgress = new Option<bool>("--no-progress") { Description = "No live display (it is never shown when stdout is not a terminal)" };
        var seed = new Option<int>("--seed") { Description = "Seed of every random choice", DefaultValueFactory = _ => 1 };
        var config = new Option<string?>("--config") { Description = "The config folder (decoders.json, rules.json, scenarios/); found above the working directory by default" };
        var alarmLog = new Option<string?>("--alarm-log") { Description = "JSON lines, one per expected scenario alarm: when the message that raises it was published (for alarm latency)" };
        var deviceMaxRate = new Option<double>("--device-max-rate") { Description = "Background messages per second one device may send (the server throttles above 5/s)", DefaultValueFactory = _ => 4 };

        var command = new Command("run", "Publish as a fleet of registered devices at a target rate, with scenarios");
        broker.AddTo(command);
        foreach (var option in new Option[] { devicesFile, devices, rate, rampUp, duration, count, qos, connections, scenarios, fleet, fleetFile, noProgress, seed, config, deviceMaxRate, alarmLog })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                if ((parse.GetValue(devicesFile) is null) == (parse.GetValue(devices) is null))
                {
                    throw new FormatException("give either --devices-file FILE.csv or --devices N");
                }

                if ((parse.GetValue(duration) is null) == (parse.GetValue(count) is null))
                {
                    throw new FormatException("give either --duration (e.g. 30s) or --count N");
                }

                var rateText = parse.GetValue(rate)!;
                double? rateValue = rateText == "max" ? null
                    : double.TryParse(rateText, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) && r > 0 ? r
                    : throw new FormatException($"--rate must be a positive number or 'max', not '{rateText}'");
                var settings = new RunSettings
                {
                    Broker = broker.Read(parse),
                    Rate = rateValue,
                    RampUp = DurationText.Parse(parse.GetValue(rampUp)!, "--ramp-up"),
                    Duration = parse.GetValue(duration) is { } d ? DurationText.Parse(d, "--duration") : null,
                    Count = parse.GetValue(count),
                    QoS = parse.GetValue(qos) switch
                    {
                        0 => MqttQualityOfService.AtMostOnce,
                        1 => MqttQualityOfService.AtLeastOnce,
                        var other => throw new FormatException($"--qos must be 0 or 1, not {other}"),
                    },
                    Connections = ConnectionMode.Parse(parse.GetValue(connections)!),
                    Scenarios = parse.GetValue(scenarios) ?? [],
                    FleetVehicles = parse.GetValue(fleet),
                    ShowProgress = !parse.GetValue(noProgress) && !Console.IsOutputRedirected,
                    Seed = parse.GetValue(seed),
                    DeviceMaxRate = parse.GetValue(deviceMaxRate) is > 0 and var m ? m : throw new FormatException("--device-max-rate must be positive"),
                    AlarmLog = parse.GetValue(alarmLog),
                };
                var configDirectory = ConfigFolder.Find(parse.GetValue(config));
                var fleetPath = parse.GetValue(fleetFile) ?? Path.Combine(configDirectory, "fleet.sample.json");
                var vehicles = File.Exists(fleetPath) ? FleetFile.Read(fleetPath) : [];
                var formats = VendorFormats.Load(Path.Combine(configDirectory, "decoders.json"));
                var list = parse.GetValue(devicesFile) is { } file
                    ? DeviceCsvReader.ReadFile(file)
                    : DemoCityDevices(formats, parse.GetValue(devices)!.Value, settings.Seed);
                var prepared = Prepare(list, formats, configDirectory, vehicles, settings);
                var run = new LoadRun(settings, prepared.Background, prepared.Timeline, prepared.Fleet, prepared.Alarms, formats, log);
                run.Figures.ScenarioAlarmsExpected = prepared.ExpectedAlarms;
                var task = run.RunAsync(cancellationToken);
                if (settings.ShowProgress)
                {
                    await ProgressDisplay.ShowWhileAsync(run.Figures, task, "IoTFireAlert simulator").ConfigureAwait(false);
                }

                await task.ConfigureAwait(false);
                await output.WriteLineAsync(run.Figures.ToJsonLine()).ConfigureAwait(false);
                return 0;
            }
            catch (Exception e) when (e is FormatException or FileNotFoundException or DirectoryNotFoundException or InvalidOperationException or MqttConnectException)
            {
                await log.WriteLineAsync($"run: {e.Message}").ConfigureAwait(false);
                return 2;
            }
        });
        return command;
    }

    /// <summary>What a run needs once the devices are known: who sends background load, the scenarios' timeline and its expected alarms, the fleet.</summary>
    public static PreparedRun Prepare(IReadOnlyList<SimulatedDevice> devices, VendorFormats formats, string configDirectory, IReadOnlyList<FleetVehicle> vehicles, RunSettings settings)
    {
        var bound = devices.Select(formats.Bind).ToList();
        var random = new Random(settings.Seed);
        var casting = new ScenarioCasting(bound, settings.Seed);
        var timeline = new List<ScenarioMessage>();
        // Scenarios that want the site with the most devices (the alarm storm's tower) pick first,
        // before a scenario content with any site takes it.
        var scenarios = settings.Scenarios.Select(name => ScenarioDefinition.Load(name, configDirectory))
            .OrderBy(s => s.Site?.Choose == "most" ? 0 : 1)
            .ToList();
        foreach (var scenario in scenarios)
        {
            timeline.AddRange(ScenarioTimeline.Build(scenario, casting.Cast(scenario), vehicles, random));
        }

        timeline.Sort((a, b) => a.OffsetMs.CompareTo(b.OffsetMs));
        var expectation = new AlarmExpectation(
            formats,
            DecoderRegistry.Load(File.ReadAllText(Path.Combine(configDirectory, "decoders.json"))),
            RuleBook.Load(File.ReadAllText(Path.Combine(configDirectory, "rules.json"))));
        var expected = expectation.Raised(timeline);

        // A scenario's devices say only what the scenario says: a normal background report in the
        // middle of a ramp would clear the alarm the scenario is raising.
        var cast = timeline.Where(m => m.Device is not null).Select(m => m.Device!.Id).ToHashSet(StringComparer.Ordinal);
        var background = bound.Where(d => !cast.Contains(d.Id)).ToList();
        var destinations = bound.Where((_, i) => i % Math.Max(1, bound.Count / 200) == 0).Select(d => (d.Lat, d.Lon)).ToList();
        var scenarioVehicles = timeline.Where(m => m.Position is not null).Select(m => m.Position!.Value.VehicleId).ToHashSet(StringComparer.Ordinal);
        var fleetSource = vehicles.Where(v => !scenarioVehicles.Contains(v.Id)).ToList();
        var fleet = new List<VehicleDrive>();
        for (var i = 0; i < settings.FleetVehicles; i++)
        {
            var vehicle = i < fleetSource.Count
                ? fleetSource[i]
                : new FleetVehicle($"SIM-VAN-{i + 1:D2}", destinations.Count > 0 ? destinations[i % destinations.Count].Lat : DemoCity.CentreLat, destinations.Count > 0 ? destinations[i % destinations.Count].Lon : DemoCity.CentreLon);
            fleet.Add(new VehicleDrive(vehicle.Id, vehicle.Lat, vehicle.Lon, destinations, new Random(settings.Seed + i)));
        }

        return new PreparedRun(background, timeline, fleet, expected);
    }

    private static List<SimulatedDevice> DemoCityDevices(VendorFormats formats, int count, int seed)
    {
        var city = new DemoCity(
            formats.VendorFor(PayloadFormat.CanonicalJson) ?? "acme",
            formats.VendorFor(PayloadFormat.Tlv) ?? "nbiot-x",
            formats.VendorFor(PayloadFormat.Gbt26875) ?? "gbt");
        return city.Devices(count, DemoCity.DefaultSites(count), seed).Select(DemoCity.ToSimulated).ToList();
    }
}
