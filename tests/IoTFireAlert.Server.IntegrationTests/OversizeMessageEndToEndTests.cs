using System.Text.Json;
using IoTFireAlert.Mqtt;
using IoTFireAlert.TestSupport;

namespace IoTFireAlert.Server.IntegrationTests;

/// <summary>
/// MQTT 3.1.1 ingress: a vendor's message above the client's 1 MiB maximum packet size is
/// dead-lettered once and does not hold up other devices' alarms (no reconnect loop).
/// </summary>
public sealed class OversizeMessageEndToEndTests : IDisposable
{
    private readonly MosquittoBroker _broker = MosquittoBroker.Start();
    private readonly ServerUnderTest _server;

    public OversizeMessageEndToEndTests()
    {
        _server = new ServerUnderTest(_broker, new Dictionary<string, string> { ["Mqtt:ProtocolVersion"] = "4" });
    }

    public void Dispose()
    {
        _server.Dispose();
        _broker.Dispose();
    }

    [Fact]
    public async Task OversizeUplinkV311_DeadLetteredOnce_OtherDeviceStillAlarms()
    {
        await using (var vendor = new MqttClient(new MqttClientOptions { Port = _broker.Port, ClientId = "oversize-vendor", ProtocolVersion = MqttProtocolVersion.V311 }))
        {
            await vendor.ConnectAsync();
            await vendor.PublishAsync("dev/acme/SX-0003-SD01/up", new byte[1_100_000]);
            await vendor.PublishAsync("dev/acme/SX-0004-SD01/up", """{"v":1,"kind":"smoke_detector","smoke":true}"""u8.ToArray());
        }

        await _server.EventuallyAsync(async () =>
            (await _server.GetJsonAsync<JsonElement[]>("/api/alarms?device=SX-0004-SD01"))!.Any(a => a.GetProperty("type").GetString() == "smoke_alarm") ? "ok" : null, TimeSpan.FromSeconds(20), "the other device's alarm");
        var letter = await _server.EventuallyFoundAsync(async () =>
            (await _server.GetJsonAsync<JsonElement[]>("/api/deadletters?stage=oversize"))!.FirstOrDefault() is { ValueKind: JsonValueKind.Object } d ? (JsonElement?)d : null,
            TimeSpan.FromSeconds(20), "the oversize dead letter");
        Assert.Equal("dev/acme/SX-0003-SD01/up", letter.GetProperty("topic").GetString());
        Assert.Equal("SX-0003-SD01", letter.GetProperty("deviceId").GetString());
        Assert.Contains("1048576", letter.GetProperty("reason").GetString(), StringComparison.Ordinal);

        await Task.Delay(1000);
        using var client = _server.Client();
        var metrics = await client.GetStringAsync("/metrics");
        Assert.Contains("iotfire_dead_letters_total{stage=\"oversize\",vendor=\"acme\"} 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("iotfire_mqtt_connected 1", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("Reconnecting", _server.Output, StringComparison.Ordinal);
    }
}
