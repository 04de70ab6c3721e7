using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using IoTFireAlert.TestSupport;

namespace IoTFireAlert.Server.IntegrationTests;

/// <summary>Through a real Mosquitto into the real server process: the paths a vendor and a dispatcher take.</summary>
public sealed class SmokeAlarmEndToEndTests : IDisposable
{
    private readonly MosquittoBroker _broker = MosquittoBroker.Start();
    private readonly ServerUnderTest _server;

    public SmokeAlarmEndToEndTests()
    {
        _server = new ServerUnderTest(_broker);
    }

    public void Dispose()
    {
        _server.Dispose();
        _broker.Dispose();
    }

    [Fact]
    public async Task SmokeAlarm_Published_AppearsInApiAndOnTheStream()
    {
        using var stream = _server.Client();
        using var response = await stream.GetAsync("/api/stream/alarms", HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(body);

        await MosquittoClients.PublishAsync(_broker.Port, "dev/acme/SX-0001-SD01/up", """{"v":1,"kind":"smoke_detector","smoke":true,"battery_pct":88}""");

        var alarm = await _server.EventuallyFoundAsync(async () =>
            (await _server.GetJsonAsync<JsonElement[]>("/api/alarms?device=SX-0001-SD01"))!.FirstOrDefault(a => a.GetProperty("type").GetString() == "smoke_alarm") is { ValueKind: JsonValueKind.Object } a ? (JsonElement?)a : null,
            TimeSpan.FromSeconds(20), "the smoke alarm in /api/alarms");
        Assert.Equal("critical", alarm.GetProperty("severity").GetString());
        Assert.Equal("SX-0001", alarm.GetProperty("site").GetString());

        string? line;
        var seen = false;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!seen && (line = await reader.ReadLineAsync(timeout.Token)) is not null)
        {
            seen = line.StartsWith("data: ", StringComparison.Ordinal) && line.Contains("\"deviceId\":\"SX-0001-SD01\"", StringComparison.Ordinal) && line.Contains("smoke_alarm", StringComparison.Ordinal);
        }

        Assert.True(seen, "the alarm was not on the SSE stream");
    }

    [Fact]
    public async Task MalformedPayload_GoesToDeadLetters_AndOtherDevicesStillAlarm()
    {
        await MosquittoClients.PublishAsync(_broker.Port, "dev/acme/SX-0002-SD01/up", """{"v":1,"smoke":tru""");
        await MosquittoClients.PublishAsync(_broker.Port, "dev/acme/SX-0004-SD01/up", """{"v":1,"kind":"smoke_detector","smoke":true}""");

        await _server.EventuallyAsync(async () =>
            (await _server.GetJsonAsync<JsonElement[]>("/api/alarms?device=SX-0004-SD01"))!.Any(a => a.GetProperty("type").GetString() == "smoke_alarm") ? "ok" : null, TimeSpan.FromSeconds(20), "the good device's alarm");
        var letter = await _server.EventuallyFoundAsync(async () =>
            (await _server.GetJsonAsync<JsonElement[]>("/api/deadletters"))!.FirstOrDefault(d => d.GetProperty("deviceId").GetString() == "SX-0002-SD01") is { ValueKind: JsonValueKind.Object } d ? (JsonElement?)d : null,
            TimeSpan.FromSeconds(20), "the dead letter");
        Assert.Equal("decode", letter.GetProperty("stage").GetString());
        Assert.False(string.IsNullOrWhiteSpace(letter.GetProperty("reason").GetString()));
        Assert.Equal("""{"v":1,"smoke":tru""", System.Text.Encoding.UTF8.GetString(letter.GetProperty("payload").GetBytesFromBase64()));

        using var client = _server.Client();
        var metrics = await client.GetStringAsync("/metrics");
        Assert.Contains("iotfire_dead_letters_total{stage=\"decode\",vendor=\"acme\"} 1", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownDevice_IsQuarantined_NotAlarmed()
    {
        await MosquittoClients.PublishAsync(_broker.Port, "dev/acme/NOT-REGISTERED-1/up", """{"v":1,"kind":"smoke_detector","smoke":true}""");
        var unknown = await _server.EventuallyFoundAsync(async () =>
            (await _server.GetJsonAsync<JsonElement[]>("/api/devices/unknown"))!.FirstOrDefault(d => d.GetProperty("deviceId").GetString() == "NOT-REGISTERED-1") is { ValueKind: JsonValueKind.Object } d ? (JsonElement?)d : null,
            TimeSpan.FromSeconds(20), "the quarantined device");
        Assert.Equal("acme", unknown.GetProperty("vendor").GetString());
        Assert.Empty((await _server.GetJsonAsync<JsonElement[]>("/api/alarms?device=NOT-REGISTERED-1"))!);
    }

    [Fact]
    public async Task StateChangingCalls_WithoutKey_WrongKey_OrTooSmallRole_AreRefused_AndChangeNothing()
    {
        await MosquittoClients.PublishAsync(_broker.Port, "dev/acme/SX-0005-SD01/up", """{"v":1,"kind":"smoke_detector","smoke":true}""");
        var alarm = await _server.EventuallyFoundAsync(async () =>
            (await _server.GetJsonAsync<JsonElement[]>("/api/alarms?device=SX-0005-SD01"))!.FirstOrDefault() is { ValueKind: JsonValueKind.Object } a ? (JsonElement?)a : null,
            TimeSpan.FromSeconds(20), "the alarm");
        var id = alarm.GetProperty("id").GetInt64();

        using (var anonymous = _server.Client())
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync($"/api/alarms/{id}/ack", new { by = "x" })).StatusCode);
        }

        using (var wrong = _server.Client("not-a-key-not-a-key-not-a-key"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.PostAsJsonAsync($"/api/alarms/{id}/ack", new { by = "x" })).StatusCode);
        }

        using (var viewer = _server.Client(ServerUnderTest.ViewerKey))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync($"/api/alarms/{id}/ack", new { by = "x" })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync("/api/devices:import", new StringContent("id,kind,vendor\nX-1,smoke_detector,acme"))).StatusCode);
        }

        using (var dispatcher = _server.Client(ServerUnderTest.DispatcherKey))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await dispatcher.PostAsync("/api/devices:import", new StringContent("id,kind,vendor\nX-1,smoke_detector,acme"))).StatusCode);
        }

        var after = (await _server.GetJsonAsync<JsonElement>($"/api/alarms/{id}")).GetProperty("alarm");
        Assert.Equal("active", after.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Undefined, after.TryGetProperty("ackedBy", out var ackedBy) ? ackedBy.ValueKind : JsonValueKind.Undefined);

        using var desk = _server.Client(ServerUnderTest.DispatcherKey);
        var acked = await desk.PostAsJsonAsync($"/api/alarms/{id}/ack", new { by = "Wang Wei" });
        Assert.Equal(HttpStatusCode.OK, acked.StatusCode);
        var resolved = await desk.PostAsJsonAsync($"/api/alarms/{id}/resolve", new { cause = "false_alarm", by = "Wang Wei" });
        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        var final = (await _server.GetJsonAsync<JsonElement>($"/api/alarms/{id}")).GetProperty("alarm");
        Assert.Equal("resolved", final.GetProperty("state").GetString());
        Assert.Equal("Wang Wei (via desk)", final.GetProperty("ackedBy").GetString());
    }

    [Fact]
    public async Task Readings_AreStoredAsTelemetry_AndAnElectricalAlarmRaised()
    {
        await MosquittoClients.PublishAsync(_broker.Port, "dev/acme/SX-0001-EF" + ElectricalSuffix() + "/up",
            """{"v":1,"kind":"electrical_fire","residual_current_ma":350,"cable_temp_c":[41.5]}""");
        var id = "SX-0001-EF" + ElectricalSuffix();
        var points = await _server.EventuallyAsync(async () =>
        {
            var series = (await _server.GetJsonAsync<JsonElement[]>($"/api/devices/{id}/telemetry"))!;
            return series.Length >= 2 ? series : null;
        }, TimeSpan.FromSeconds(20), "the telemetry points");
        Assert.Contains(points, p => p.GetProperty("value").GetDouble() == 350);
        Assert.Contains(points, p => p.GetProperty("value").GetDouble() == 41.5);
        using (var client = _server.Client())
        {
            var metrics = (await client.GetStringAsync("/metrics")).Split('\n');
            var written = metrics.Single(l => l.StartsWith("iotfire_telemetry_points_written_total ", StringComparison.Ordinal));
            Assert.True(double.Parse(written.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture) >= 2, written);
            Assert.Contains("iotfire_telemetry_rows_lost_total 0", metrics);
            Assert.Contains("iotfire_telemetry_queue_full_waits_total 0", metrics); // a deep queue: a few messages never wait
            Assert.Contains(metrics, l => l.StartsWith("iotfire_telemetry_queued_batches ", StringComparison.Ordinal));
            Assert.Contains(metrics, l => l.StartsWith("iotfire_telemetry_staged_rows ", StringComparison.Ordinal));
            Assert.Contains(metrics, l => l.StartsWith("iotfire_telemetry_stage_moves_total ", StringComparison.Ordinal));
            Assert.Contains(metrics, l => l.StartsWith("iotfire_telemetry_stage_move_seconds_total ", StringComparison.Ordinal));
        }

        var alarm = await _server.EventuallyFoundAsync(async () =>
            (await _server.GetJsonAsync<JsonElement[]>($"/api/alarms?device={id}"))!.FirstOrDefault() is { ValueKind: JsonValueKind.Object } a ? (JsonElement?)a : null,
            TimeSpan.FromSeconds(20), "the residual current alarm");
        Assert.Equal("residual_current_alarm", alarm.GetProperty("type").GetString());
        Assert.Equal("major", alarm.GetProperty("severity").GetString());
    }

    /// <summary>The sample district numbers devices within a site; SX-0001's electrical monitor follows its detectors.</summary>
    private static string ElectricalSuffix()
    {
        var line = File.ReadLines(Path.Combine(ServerUnderTest.RepositoryRoot(), "config", "devices.sample.csv")).First(l => l.StartsWith("SX-0001-EF", StringComparison.Ordinal));
        return line.Split(',')[0]["SX-0001-EF".Length..];
    }
}
