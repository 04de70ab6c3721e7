using IoTFireAlert.Dispatch.Import;
using IoTFireAlert.Ingestion.Readings;
using IoTFireAlert.Server.Devices;
using IoTFireAlert.Simulator.Devices;
using IoTFireAlert.Simulator.Payloads;

namespace IoTFireAlert.Simulator.Tests;

/// <summary><c>generate</c> writes a city the server's own importers accept, with every kind and vendor.</summary>
public sealed class GenerateTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "iotfire-city-" + Guid.NewGuid().ToString("N")[..10]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Generate_ThreeThousandDevices_AreAcceptedByTheServersImporters()
    {
        var (exit, output, log) = await CommandLineRunner.RunAsync("generate", "--out", _directory, "--devices", "3000", "--stations", "12", "--vehicles", "6", "--seed", "5", "--config", Repository.Config);

        Assert.True(exit == 0, log);
        Assert.Equal(3000, CommandLineRunner.LastJsonLine(output).GetProperty("devices").GetInt32());
        var devices = DeviceImport.ParseCsv(await File.ReadAllTextAsync(Path.Combine(_directory, "devices.csv")));
        Assert.Empty(devices.Errors);
        Assert.Equal(3000, devices.Devices.Count);
        Assert.Equal(3000, devices.Devices.Select(d => d.Id).Distinct().Count());
        Assert.Equal(Enum.GetValues<DeviceKind>().Skip(1).Order(), devices.Devices.Select(d => d.Kind).Distinct().Order());
        Assert.Equal(["acme", "gbt", "nbiot-x"], devices.Devices.Select(d => d.Vendor).Distinct().Order(StringComparer.Ordinal));
        Assert.All(devices.Devices, d => Assert.InRange(d.Lat!.Value, 29.97, 30.03));
        Assert.True(devices.Devices.GroupBy(d => d.Site).Max(g => g.Count(d => d.Kind == DeviceKind.SmokeDetector)) >= 200, "no site for the alarm storm");

        var stations = StationImport.FromJson(await File.ReadAllTextAsync(Path.Combine(_directory, "stations.json")));
        Assert.False(stations.HasErrors, string.Join("; ", stations.Errors));
        Assert.Equal(12, stations.Items.Count);
        var fleet = VehicleImport.FromJson(await File.ReadAllTextAsync(Path.Combine(_directory, "fleet.json")));
        Assert.False(fleet.HasErrors, string.Join("; ", fleet.Errors));
        Assert.Equal(6, fleet.Items.Count);

        // The simulator can publish as every one of them.
        var formats = VendorFormats.Load(Path.Combine(Repository.Config, "decoders.json"));
        Assert.All(DeviceCsvReader.ReadFile(Path.Combine(_directory, "devices.csv")), d => formats.Bind(d));
    }

    [Fact]
    public async Task Generate_SameSeed_SameCity_ForAHundredThousandDevices()
    {
        var (exit, _, log) = await CommandLineRunner.RunAsync("generate", "--out", _directory, "--devices", "100000", "--seed", "9", "--config", Repository.Config);
        Assert.True(exit == 0, log);
        var first = await File.ReadAllBytesAsync(Path.Combine(_directory, "devices.csv"));

        (exit, _, log) = await CommandLineRunner.RunAsync("generate", "--out", _directory, "--devices", "100000", "--seed", "9", "--config", Repository.Config);

        Assert.True(exit == 0, log);
        Assert.Equal(first, await File.ReadAllBytesAsync(Path.Combine(_directory, "devices.csv")));
        Assert.Equal(100_001, first.Count(b => b == (byte)'\n'));
    }
}
