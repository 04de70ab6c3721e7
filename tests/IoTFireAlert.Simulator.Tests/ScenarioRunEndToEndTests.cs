using System.Text.Json;
using IoTFireAlert.TestSupport;

namespace IoTFireAlert.Simulator.Tests;

/// <summary>
/// <c>run</c> with scenarios through a real Mosquitto into the real server: the server raises exactly
/// the alarms the simulator said to expect, no more (the background load raises none) and no fewer.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ScenarioRunEndToEndTests : IDisposable
{
    private readonly MosquittoBroker _broker = MosquittoBroker.Start();
    private readonly SimulatorServer _server;

    public ScenarioRunEndToEndTests()
    {
        _server = new SimulatorServer(_broker);
    }

    public void Dispose()
    {
        _server.Dispose();
        _broker.Dispose();
    }

    [Fact]
    public async Task Run_WithScenarios_ServerRaisesExactlyTheExpectedAlarms()
    {
        var (exit, output, log) = await CommandLineRunner.RunAsync(
            "run", "--broker", $"127.0.0.1:{_broker.Port}", "--devices-file", Repository.SampleDevices,
            "--rate", "400", "--ramp-up", "1s", "--duration", "4s", "--qos", "1", "--no-progress",
            "--scenario", "fire-in-building", "--scenario", "leakage-current-rising", "--scenario", "charging-pile-overheating",
            "--scenario", "devices-offline", "--scenario", "flapping-sensor", "--scenario", "alarm-storm",
            "--config", Repository.Config);

        Assert.True(exit == 0, log);
        var figures = CommandLineRunner.LastJsonLine(output);
        var expected = figures.GetProperty("scenario_alarms_expected").GetInt32();
        Assert.Equal(5 + 2 + 1 + 5 + 1 + 9, expected);
        Assert.Equal(0, figures.GetProperty("errors").GetInt64());
        Assert.Equal(figures.GetProperty("sent").GetInt64(), figures.GetProperty("acknowledged").GetInt64());
        Assert.True(figures.GetProperty("sent").GetInt64() > 1000, $"too little background load: {figures}");

        var alarms = await EventuallyAsync(expected);
        // Give stragglers time to show: a background message that raised an alarm would arrive by now.
        await Task.Delay(1500);
        alarms = await _server.AlarmsAsync();
        Assert.True(alarms.Length == expected, $"expected {expected} alarms, the server has {alarms.Length}: {string.Join(", ", alarms.Select(Describe))}");
        Assert.Equal(4, alarms.Count(a => a.GetProperty("type").GetString() == "smoke_alarm" && a.GetProperty("site").GetString() == "SX-0001"));
        Assert.Equal(5, alarms.Count(a => a.GetProperty("type").GetString() == "offline"));
        Assert.Single(alarms, a => a.GetProperty("type").GetString() == "charging_port_over_temperature");
        Assert.Single(alarms, a => a.GetProperty("type").GetString() == "residual_current_alarm");
        Assert.Single(alarms, a => a.GetProperty("type").GetString() == "manual_call_point");
    }

    private async Task<JsonElement[]> EventuallyAsync(int expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var alarms = await _server.AlarmsAsync();
            if (alarms.Length >= expected || DateTime.UtcNow > deadline)
            {
                return alarms;
            }

            await Task.Delay(200);
        }
    }

    private static string Describe(JsonElement alarm) => $"{alarm.GetProperty("deviceId").GetString()}:{alarm.GetProperty("type").GetString()}";
}
