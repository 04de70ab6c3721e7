using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using IoTFireAlert.TestSupport;

namespace IoTFireAlert.Server.IntegrationTests;

/// <summary>An alarm becomes pushes to the nearest responders; unanswered calls escalate; positions move the fleet.</summary>
public sealed class DispatchEndToEndTests : IDisposable
{
    private readonly MosquittoBroker _broker = MosquittoBroker.Start();
    private readonly string _policy;
    private readonly ServerUnderTest _server;

    public DispatchEndToEndTests()
    {
        // The shipped policy with a 3 s answer deadline, so escalation happens within the test.
        var policy = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(File.ReadAllText(Path.Combine(ServerUnderTest.RepositoryRoot(), "config", "dispatch.json")))!;
        policy["acknowledgement"] = JsonSerializer.SerializeToElement(new { deadlineSeconds = 3, reminderSeconds = 1 });
        _policy = Path.Combine(Path.GetTempPath(), $"iotfire-policy-{Guid.NewGuid():N}.json");
        File.WriteAllText(_policy, JsonSerializer.Serialize(policy));
        _server = new ServerUnderTest(_broker, new Dictionary<string, string> { ["Dispatch:PolicyFile"] = _policy });
    }

    public void Dispose()
    {
        _server.Dispose();
        _broker.Dispose();
        File.Delete(_policy);
    }

    [Fact]
    public async Task SmokeAlarm_IsPushedToTheNearestMicroAndFireStation_OverMqtt()
    {
        using var subscriber = Subscribe("stations/+/alarms");
        await Task.Delay(500);
        await MosquittoClients.PublishAsync(_broker.Port, "dev/acme/SX-0001-SD01/up", """{"v":1,"kind":"smoke_detector","smoke":true}""");

        var alarm = await _server.EventuallyFoundAsync(async () =>
            (await _server.GetJsonAsync<JsonElement[]>("/api/alarms?device=SX-0001-SD01"))!.FirstOrDefault() is { ValueKind: JsonValueKind.Object } a && a.TryGetProperty("dispatch", out _) ? (JsonElement?)a : null,
            TimeSpan.FromSeconds(20), "the dispatched alarm");
        using var dispatch = JsonDocument.Parse(alarm.GetProperty("dispatch").GetString()!);
        var responders = dispatch.RootElement.GetProperty("responders").EnumerateArray().ToList();
        Assert.Contains(responders, r => r.GetProperty("tier").GetString() == "micro_station");
        Assert.Contains(responders, r => r.GetProperty("tier").GetString() == "fire_station");
        Assert.All(responders, r => Assert.True(r.GetProperty("etaSeconds").GetDouble() > 0));

        var micro = responders.First(r => r.GetProperty("tier").GetString() == "micro_station").GetProperty("id").GetString();
        var line = await subscriber.WaitForLineAsync(l => l.StartsWith($"stations/{micro}/alarms ", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        Assert.Contains("\"deviceId\":\"SX-0001-SD01\"", line, StringComparison.Ordinal);
        // Name and contacts are not held in memory (a million devices): the push reads them from the registry.
        using var push = JsonDocument.Parse(line[(line.IndexOf(' ', StringComparison.Ordinal) + 1)..]);
        var device = push.RootElement.GetProperty("device");
        Assert.Equal("书圣故里82号 1幢1层 smoke_detector", device.GetProperty("name").GetString());
        Assert.Equal("户主 李敏 13745351751", device.GetProperty("contacts").GetString());
        Assert.Equal("绍兴市越城区书圣故里82号", device.GetProperty("address").GetString());
    }

    [Fact]
    public async Task UnansweredCall_EscalatesToTheNextUnit_AnAnswerStopsIt()
    {
        await MosquittoClients.PublishAsync(_broker.Port, "dev/acme/SX-0002-SD01/up", """{"v":1,"kind":"smoke_detector","smoke":true}""");
        var alarm = await _server.EventuallyFoundAsync(async () =>
            (await _server.GetJsonAsync<JsonElement[]>("/api/alarms?device=SX-0002-SD01"))!.FirstOrDefault() is { ValueKind: JsonValueKind.Object } a && a.TryGetProperty("dispatch", out _) ? (JsonElement?)a : null,
            TimeSpan.FromSeconds(20), "the dispatched alarm");
        var id = alarm.GetProperty("id").GetInt64();
        using var dispatch = JsonDocument.Parse(alarm.GetProperty("dispatch").GetString()!);
        var fireStation = dispatch.RootElement.GetProperty("responders").EnumerateArray().First(r => r.GetProperty("tier").GetString() == "fire_station").GetProperty("id").GetString()!;

        // The fire station answers at once; the micro station does not, so its call escalates.
        using var desk = _server.Client(ServerUnderTest.DispatcherKey);
        var answer = await desk.PostAsJsonAsync($"/api/alarms/{id}/responders/{fireStation}/ack", new { by = "Li Yan" });
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);

        var timeline = await _server.EventuallyAsync(async () =>
        {
            var detail = await _server.GetJsonAsync<JsonElement>($"/api/alarms/{id}");
            var events = detail.GetProperty("timeline").EnumerateArray().ToList();
            return events.Any(e => e.GetProperty("event").GetString() == "escalated") ? events : null;
        }, TimeSpan.FromSeconds(30), "an escalation");

        Assert.Contains(timeline, e => e.GetProperty("event").GetString() == "responder acknowledged" && e.GetProperty("actor").GetString()!.StartsWith("Li Yan", StringComparison.Ordinal));
        Assert.Contains(timeline, e => e.GetProperty("event").GetString() == "reminded");
        var escalation = timeline.First(e => e.GetProperty("event").GetString() == "escalated").GetProperty("detail").GetString()!;
        Assert.Contains("did not answer", escalation, StringComparison.Ordinal);
        Assert.DoesNotContain(fireStation, escalation, StringComparison.Ordinal);

        var unknown = await desk.PostAsJsonAsync($"/api/alarms/{id}/responders/NOT-DISPATCHED/ack", new { by = "x" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task FleetPositions_FromMqttAndOsmAnd_MoveTheVehicle_BadOnesAreDeadLetters()
    {
        var vehicle = (await _server.GetJsonAsync<JsonElement[]>("/api/fleet/vehicles"))![0].GetProperty("id").GetString()!;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await MosquittoClients.PublishAsync(_broker.Port, $"fleet/{vehicle}/pos", $$"""{"lat":30.0101,"lon":120.5702,"speed":32,"heading":90,"ts":{{now}},"status":"available"}""");
        await MosquittoClients.PublishAsync(_broker.Port, $"fleet/{vehicle}/pos", $$"""{"lat":95,"lon":120.57,"speed":32,"ts":{{now}}}""");

        using var client = _server.Client(ServerUnderTest.DispatcherKey);
        var seconds = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var osmand = await client.GetAsync($"/api/fleet/osmand?id={vehicle}&lat=30.0202&lon=120.5803&timestamp={seconds}&speed=10");
        Assert.Equal(HttpStatusCode.OK, osmand.StatusCode);
        var stranger = await client.GetAsync($"/api/fleet/osmand?id=NO-SUCH-VAN&lat=30.02&lon=120.58&timestamp={seconds}&speed=10");
        Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);
        using (var anonymous = _server.Client())
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/fleet/osmand?id={vehicle}&lat=30.02&lon=120.58&timestamp={seconds}&speed=10")).StatusCode);
        }

        var trajectory = await _server.EventuallyAsync(async () =>
        {
            var points = (await _server.GetJsonAsync<JsonElement[]>($"/api/fleet/vehicles/{vehicle}/trajectory"))!;
            return points.Length >= 2 ? points : null;
        }, TimeSpan.FromSeconds(20), "two trajectory points");
        Assert.Equal(30.0101, trajectory[0].GetProperty("lat").GetDouble(), 4);
        Assert.Equal(30.0202, trajectory[1].GetProperty("lat").GetDouble(), 4);
        // OsmAnd speed is in knots: 10 kn = 18.52 km/h.
        Assert.Equal(18.52, trajectory[1].GetProperty("speedKmh").GetDouble(), 1);

        var letter = await _server.EventuallyFoundAsync(async () =>
            (await _server.GetJsonAsync<JsonElement[]>("/api/deadletters?stage=fleet"))!.FirstOrDefault() is { ValueKind: JsonValueKind.Object } d ? (JsonElement?)d : null,
            TimeSpan.FromSeconds(20), "the rejected position");
        Assert.Contains("atitude", letter.GetProperty("reason").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    private LineSubscriber Subscribe(string filter) => new(_broker.Port, filter);

    /// <summary>mosquitto_sub -v in the background, its lines collected.</summary>
    private sealed class LineSubscriber : IDisposable
    {
        private readonly Process _process;
        private readonly List<string> _lines = [];

        public LineSubscriber(int port, string filter)
        {
            var info = new ProcessStartInfo(ServerProcess.Require("mosquitto_sub", "mosquitto-clients")) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-q", "1", "-v", "-t", filter })
            {
                info.ArgumentList.Add(a);
            }

            _process = Process.Start(info)!;
            _process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    lock (_lines)
                    {
                        _lines.Add(e.Data);
                    }
                }
            };
            _process.BeginOutputReadLine();
        }

        public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < deadline)
            {
                lock (_lines)
                {
                    if (_lines.FirstOrDefault(match) is { } line)
                    {
                        return line;
                    }
                }

                await Task.Delay(100);
            }

            lock (_lines)
            {
                throw new TimeoutException($"no matching line within {timeout}; got: {string.Join(" | ", _lines.Select(l => l[..Math.Min(l.Length, 80)]))}");
            }
        }

        public void Dispose()
        {
            _process.Kill();
            _process.Dispose();
        }
    }
}
