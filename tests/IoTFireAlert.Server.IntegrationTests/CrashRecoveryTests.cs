using System.Globalization;
using System.Text.Json;
using IoTFireAlert.TestSupport;

namespace IoTFireAlert.Server.IntegrationTests;

/// <summary>kill -9 the server while alarms stream in: after a restart every alarm is there exactly once.</summary>
public sealed class CrashRecoveryTests : IDisposable
{
    private readonly MosquittoBroker _broker = MosquittoBroker.Start();

    public void Dispose() => _broker.Dispose();

    [Fact]
    public async Task KillNine_MidStream_NoAlarmLostOrDuplicated()
    {
        using var server = new ServerUnderTest(_broker);
        // Vendor acme's smoke detectors of the sample district (config/devices.sample.csv), imported at first start.
        var devices = File.ReadLines(Path.Combine(ServerUnderTest.RepositoryRoot(), "config", "devices.sample.csv"))
            .Select(l => l.Split(','))
            .Where(c => c[1] == "smoke_detector" && c[2] == "acme")
            .Select(c => c[0])
            .Take(120)
            .ToArray();

        // Publish in the background while the server is killed: QoS 1 messages the server had not
        // acknowledged stay with the broker's persistent session and arrive after the restart.
        var publishing = Task.Run(async () =>
        {
            for (var i = 0; i < devices.Length; i++)
            {
                await MosquittoClients.PublishAsync(_broker.Port, $"dev/acme/{devices[i]}/up",
                    $$"""{"v":1,"seq":{{(i + 1).ToString(CultureInfo.InvariantCulture)}},"kind":"smoke_detector","smoke":true}""");
            }
        });

        await server.EventuallyAsync(async () =>
            (await server.GetJsonAsync<JsonElement[]>("/api/alarms?limit=5000"))!.Length >= 20 ? "some" : null, TimeSpan.FromSeconds(30), "the first alarms");
        server.Kill();
        await Task.Delay(500);
        server.Restart();
        await publishing;

        var alarms = await server.EventuallyAsync(async () =>
        {
            var all = (await server.GetJsonAsync<JsonElement[]>("/api/alarms?limit=5000"))!;
            return all.Length >= devices.Length ? all : null;
        }, TimeSpan.FromSeconds(60), $"all {devices.Length} alarms after the restart");

        // Let any redelivery land, then check again: one alarm per device, each counted once.
        await Task.Delay(2000);
        alarms = (await server.GetJsonAsync<JsonElement[]>("/api/alarms?limit=5000"))!;
        Assert.Equal(devices.Order(), alarms.Select(a => a.GetProperty("deviceId").GetString()!).Order());
        Assert.All(alarms, a => Assert.Equal("smoke_alarm", a.GetProperty("type").GetString()));
        Assert.All(alarms, a => Assert.Equal(1, a.GetProperty("count").GetInt32()));
    }
}
