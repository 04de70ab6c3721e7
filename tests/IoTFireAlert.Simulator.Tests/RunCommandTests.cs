using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using IoTFireAlert.Simulator.City;
using IoTFireAlert.Simulator.Payloads;
using IoTFireAlert.TestSupport;

namespace IoTFireAlert.Simulator.Tests;

/// <summary><c>run</c> against a real Mosquitto: pacing, both connection modes and the CLI contract's figures.</summary>
[Trait("Category", "Integration")]
public sealed class RunCommandTests : IDisposable
{
    private readonly MosquittoBroker _broker = MosquittoBroker.Start();

    public void Dispose() => _broker.Dispose();

    [Fact]
    public async Task Run_AtATargetRate_SendsAboutRateTimesDuration_AllAcknowledged()
    {
        var (exit, output, log) = await CommandLineRunner.RunAsync(
            "run", "--broker", $"127.0.0.1:{_broker.Port}", "--devices-file", Repository.SampleDevices,
            "--rate", "500", "--duration", "2s", "--qos", "1", "--connections", "2", "--fleet", "2", "--config", Repository.Config);

        Assert.True(exit == 0, log);
        var figures = CommandLineRunner.LastJsonLine(output);
        var sent = figures.GetProperty("sent").GetInt64();
        // 2 s at 500/s plus two vehicles' fixes: never far over. A machine busy with the rest of the
        // suite may fall short (CI saw it under 400 once on two cores); a pacer that stalls falls far short.
        Assert.InRange(sent, 250, 1100);
        Assert.Equal(sent, figures.GetProperty("acknowledged").GetInt64());
        Assert.Equal(0, figures.GetProperty("errors").GetInt64());
        Assert.Equal(2, figures.GetProperty("connections").GetInt32());
        Assert.Equal(0, figures.GetProperty("scenario_alarms_expected").GetInt32());
    }

    [Fact]
    public async Task Run_PerDevice_OpensOneConnectionPerPublishingDevice()
    {
        var (exit, output, log) = await CommandLineRunner.RunAsync(
            "run", "--broker", $"127.0.0.1:{_broker.Port}", "--devices", "400", "--seed", "4",
            "--connections", "per-device", "--count", "800", "--qos", "1", "--config", Repository.Config);

        Assert.True(exit == 0, log);
        var formats = VendorFormats.Load(Path.Combine(Repository.Config, "decoders.json"));
        var publishers = new DemoCity().Devices(400, DemoCity.DefaultSites(400), 4).Select(d => formats.Bind(DemoCity.ToSimulated(d)).TopicDevice).Distinct().Count();
        var figures = CommandLineRunner.LastJsonLine(output);
        Assert.Equal(publishers, figures.GetProperty("connections").GetInt32());
        Assert.Equal(800, figures.GetProperty("sent").GetInt64());
        Assert.Equal(800, figures.GetProperty("acknowledged").GetInt64());
        Assert.Equal(0, figures.GetProperty("errors").GetInt64());
    }

    [Fact]
    public async Task Run_QoS0_SendsWithoutAcknowledgements()
    {
        var (exit, output, log) = await CommandLineRunner.RunAsync(
            "run", "--broker", $"127.0.0.1:{_broker.Port}", "--devices-file", Repository.SampleDevices,
            "--count", "2000", "--qos", "0", "--config", Repository.Config);

        Assert.True(exit == 0, log);
        var figures = CommandLineRunner.LastJsonLine(output);
        Assert.Equal(2000, figures.GetProperty("sent").GetInt64());
        Assert.Equal(0, figures.GetProperty("acknowledged").GetInt64());
    }

    [Fact]
    public async Task Run_Stopped_StopsAndStillPrintsItsFigures()
    {
        var configuration = typeof(RunCommandTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var dll = Path.Combine(Repository.Root, "simulators", "IoTFireAlert.Simulator", "bin", configuration, "net10.0", "IoTFireAlert.Simulator.dll");
        var info = new ProcessStartInfo(ServerProcess.Require("dotnet", "dotnet-sdk")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { dll, "run", "--broker", $"127.0.0.1:{_broker.Port}", "--devices-file", Repository.SampleDevices, "--rate", "300", "--duration", "60s", "--config", Repository.Config })
        {
            info.ArgumentList.Add(argument);
        }

        using var simulator = Process.Start(info)!;
        var output = simulator.StandardOutput.ReadToEndAsync();
        var log = simulator.StandardError.ReadToEndAsync();
        await Task.Delay(3000);
        // SIGTERM, which Ctrl+C's SIGINT shares its handler with: a process started from a background job
        // (`./test.sh &`) inherits SIGINT ignored, as job control wants, and would never see an interrupt.
        using (var interrupt = Process.Start("kill", ["-TERM", simulator.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await interrupt.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await simulator.WaitForExitAsync(timeout.Token);
        Assert.True(simulator.ExitCode == 0, await log);
        var figures = CommandLineRunner.LastJsonLine(await output);
        Assert.True(figures.GetProperty("sent").GetInt64() > 0);
        Assert.True(figures.GetProperty("seconds").GetDouble() < 30, $"it ran on after the signal: {figures}");
    }

    [Theory]
    [InlineData("--duration", "1s", "--count", "5")]
    [InlineData("--rate", "fast", "--count", "5")]
    [InlineData("--qos", "2", "--count", "5")]
    [InlineData("--connections", "lots", "--count", "5")]
    public async Task Run_BadArguments_ExitWith2AndSayWhy(string option1, string value1, string option2, string value2)
    {
        var (exit, output, log) = await CommandLineRunner.RunAsync(
            "run", "--broker", $"127.0.0.1:{_broker.Port}", "--devices-file", Repository.SampleDevices, option1, value1, option2, value2, "--config", Repository.Config);

        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.StartsWith("run: ", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_NoBroker_ExitWith2()
    {
        var (exit, _, log) = await CommandLineRunner.RunAsync(
            "run", "--broker", $"127.0.0.1:{FreePort.Next()}", "--devices-file", Repository.SampleDevices, "--count", "5", "--config", Repository.Config);

        Assert.Equal(2, exit);
        Assert.Contains("broker", log, StringComparison.Ordinal);
    }
}
