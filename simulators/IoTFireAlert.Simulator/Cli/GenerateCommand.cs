using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using IoTFireAlert.Simulator.City;
using IoTFireAlert.Simulator.Payloads;

namespace IoTFireAlert.Simulator.Cli;

/// <summary><c>generate</c>: a demo city (devices.csv, stations.json, fleet.json) for config/.</summary>
public static class GenerateCommand
{
    public static Command Create(TextWriter output, TextWriter log)
    {
        var outDir = new Option<string>("--out") { Description = "Folder to write devices.csv, stations.json and fleet.json into", Required = true };
        var devices = new Option<int>("--devices") { Description = "Devices to write", DefaultValueFactory = _ => 1000 };
        var sites = new Option<int?>("--sites") { Description = "Sites (households and buildings); default devices / 10" };
        var stations = new Option<int>("--stations") { Description = "Fire stations, micro stations and equipment points", DefaultValueFactory = _ => 8 };
        var vehicles = new Option<int>("--vehicles") { Description = "Repair vehicles", DefaultValueFactory = _ => 10 };
        var seed = new Option<int>("--seed") { Description = "Seed: the same arguments give the same city", DefaultValueFactory = _ => 1 };
        var config = new Option<string?>("--config") { Description = "The config folder whose decoders.json names the vendors" };
        var command = new Command("generate", "Write a demo city: devices, stations and repair vehicles");
        foreach (var option in new Option[] { outDir, devices, sites, stations, vehicles, seed, config })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            var count = parse.GetValue(devices);
            if (count < 1)
            {
                await log.WriteLineAsync("generate: --devices must be at least 1").ConfigureAwait(false);
                return 2;
            }

            var city = new DemoCity();
            try
            {
                var formats = VendorFormats.Load(Path.Combine(ConfigFolder.Find(parse.GetValue(config)), "decoders.json"));
                city = new DemoCity(
                    formats.VendorFor(PayloadFormat.CanonicalJson) ?? "acme",
                    formats.VendorFor(PayloadFormat.Tlv) ?? "nbiot-x",
                    formats.VendorFor(PayloadFormat.Gbt26875) ?? "gbt");
            }
            catch (DirectoryNotFoundException)
            {
                // Outside the repository: the vendor names of config/decoders.json as shipped.
            }

            var clock = Stopwatch.StartNew();
            var directory = parse.GetValue(outDir)!;
            var written = new DemoCityWriter(city).Write(directory, count, parse.GetValue(sites) ?? DemoCity.DefaultSites(count), parse.GetValue(stations), parse.GetValue(vehicles), parse.GetValue(seed));
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{{\"devices\":{written},\"stations\":{parse.GetValue(stations)},\"vehicles\":{parse.GetValue(vehicles)},\"seconds\":{Math.Round(clock.Elapsed.TotalSeconds, 3)},\"out\":\"{directory.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"}}")).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
