using System.Text.Json;
using IoTFireAlert.Server.IntegrationTests;
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
    private readonly ServerUnderTest _server;
    private readonly string _alarmLog = Path.Combine(Path.GetTempPath(), "iotfire-alarm-log-" + Guid.NewGuid().ToString("N")[..10] + ".jsonl");

    public ScenarioRunEndToEndTests()
    {
        _server = new ServerUnderTest(_broker, new Dictionary<string, string> { ["Registry:DevicesFile"] = Repository.SampleDevices });
    }

    public void Dispose()
    {
        _server.Dispose();
        _broker.Dispose();
        File.Delete(_alarmLog);
    }

    [Fact]
    public async Task Run_WithScenarios_ServerRaisesExactlyTheExpectedAlarms()
    {
        var (exit, output, log) = await CommandLineRunner.RunAsync(
            "run", "--broker", $"127.0.0.1:{_broker.Port}", "--devices-file", Repository.SampleDevices,
            "--rate", "400", "--ramp-up", "1s", "--duration", "4s", "--qos", "1", "--no-progress",
            "--scenario", "fire-in-building", "--scenario", "leakage-current-rising", "--scenario", "charging-pile-overheating",
            "--scenario", "devices-offline", "--scenario", "flapping-sensor", "--scenario", "alarm-storm",
            "--fleet", "2", "--alarm-log", _alarmLog, "--config", Repository.Config);

        Assert.True(exit == 0, log);
        var figures = CommandLineRunner.LastJsonLine(output);
        var expected = figures.GetProperty("scenario_alarms_expected").GetInt32();
        Assert.Equal(5 + 2 + 1 + 5 + 1 + 9, expected);
        Assert.Equal(0, figures.GetProperty("errors").GetInt64());
        Assert.Equal(figures.GetProperty("sent").GetInt64(), figures.GetProperty("acknowledged").GetInt64());
        Assert.True(figures.GetProperty("sent").GetInt64() > 600, $"too little background load: {figures}");

        var alarms = await EventuallyAsync(expected);
        // Give stragglers time to show: a background message that raised an alarm would arrive by now.
        await Task.Delay(1500);
        alarms = await AlarmsAsync();
        Assert.True(alarms.Length == expected, $"expected {expected} alarms, the server has {alarms.Length}: {string.Join(", ", alarms.Select(Describe))}");
        Assert.Equal(4, alarms.Count(a => a.GetProperty("type").GetString() == "smoke_alarm" && a.GetProperty("site").GetString() == "SX-0001"));
        Assert.Equal(5, alarms.Count(a => a.GetProperty("type").GetString() == "offline"));
        Assert.Single(alarms, a => a.GetProperty("type").GetString() == "charging_port_over_temperature");
        Assert.Single(alarms, a => a.GetProperty("type").GetString() == "residual_current_alarm");
        Assert.Single(alarms, a => a.GetProperty("type").GetString() == "manual_call_point");

        // The alarm log names exactly the alarms the server raised, each with its message's publish time.
        var logged = File.ReadAllLines(_alarmLog).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        Assert.Equal(
            alarms.Select(Describe).Order(StringComparer.Ordinal),
            logged.Select(l => $"{l.GetProperty("device").GetString()}:{l.GetProperty("type").GetString()}").Order(StringComparer.Ordinal));
        Assert.All(logged, l => Assert.InRange(l.GetProperty("published_ms").GetInt64(), DateTimeOffset.UtcNow.AddMinutes(-2).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));

        // Every message was taken: none refused (decode, vendor, timestamp, duplicate...), none from an unknown device.
        using var client = _server.Client();
        var deadLetters = JsonDocument.Parse(await client.GetStringAsync("/api/deadletters")).RootElement;
        Assert.True(deadLetters.GetArrayLength() == 0, $"dead letters: {deadLetters}");
        var unknown = JsonDocument.Parse(await client.GetStringAsync("/api/devices/unknown")).RootElement;
        Assert.True(unknown.GetArrayLength() == 0, $"unknown devices: {unknown}");
        // The driving vans' positions reached the fleet tracker.
        var trajectory = JsonDocument.Parse(await client.GetStringAsync("/api/fleet/vehicles/SGCC-SX-01/trajectory")).RootElement;
        Assert.True(trajectory.GetArrayLength() >= 3, $"trajectory: {trajectory}");
    }

    private async Task<JsonElement[]> EventuallyAsync(int expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var alarms = await AlarmsAsync();
            if (alarms.Length >= expected || DateTime.UtcNow > deadline)
            {
                return alarms;
            }

            await Task.Delay(200);
        }
    }

    private static string Describe(JsonElement alarm) => $"{alarm.GetProperty("deviceId").GetString()}:{alarm.GetProperty("type").GetString()}";

    /// <summary>Every alarm the server holds (one per device and type).</summary>
    private async Task<JsonElement[]> AlarmsAsync()
    {
        using var client = _server.Client();
        using var document = JsonDocument.Parse(await client.GetStringAsync("/api/alarms?limit=5000"));
        return document.RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
    }
}
