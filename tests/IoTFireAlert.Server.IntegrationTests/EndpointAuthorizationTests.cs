using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using IoTFireAlert.TestSupport;

namespace IoTFireAlert.Server.IntegrationTests;

/// <summary>
/// Every endpoint that changes state, asked without a key, with a wrong key and with too small a
/// role: 401 / 401 / 403, and nothing changed. The table is checked against the server's source, so
/// a new endpoint cannot slip in unlisted.
/// </summary>
public sealed partial class EndpointAuthorizationTests : IDisposable
{
    /// <summary>Method, route as mapped, a concrete path, and the smallest role that may call it.</summary>
    private static readonly (string Method, string Route, string Path, string MinimumRole)[] StateChanging =
    [
        ("POST", "/api/alarms/{id:long}/ack", "/api/alarms/1/ack", "dispatcher"),
        ("POST", "/api/alarms/{id:long}/resolve", "/api/alarms/1/resolve", "dispatcher"),
        ("POST", "/api/alarms/{id:long}/responders/{responderId}/ack", "/api/alarms/1/responders/MFS-07/ack", "dispatcher"),
        ("POST", "/api/devices:import", "/api/devices:import", "administrator"),
        ("PUT", "/api/devices/{id}", "/api/devices/SX-0001-SD01", "administrator"),
        ("POST", "/api/stations:import", "/api/stations:import", "administrator"),
        ("PUT", "/api/stations/{id}/status", "/api/stations/MFS-07/status", "dispatcher"),
        ("POST", "/api/fleet/osmand", "/api/fleet/osmand?id=PR-01&lat=30&lon=120&timestamp=1&speed=1", "dispatcher"),
        ("POST", "/api/fleet/traccar", "/api/fleet/traccar", "dispatcher"),
        ("POST", "/api/workorders", "/api/workorders", "dispatcher"),
        ("POST", "/api/workorders/{id:long}/{action}", "/api/workorders/1/start", "dispatcher"),
        ("POST", "/api/sites/{site}/inspections", "/api/sites/SX-0001/inspections", "dispatcher"),
    ];

    /// <summary>Logging in and out is what a caller without a session does; they need no key.</summary>
    private static readonly string[] OpenToAll = ["/api/login", "/api/logout"];

    private readonly MosquittoBroker _broker = MosquittoBroker.Start();
    private readonly ServerUnderTest _server;

    public EndpointAuthorizationTests()
    {
        _server = new ServerUnderTest(_broker);
    }

    public void Dispose()
    {
        _server.Dispose();
        _broker.Dispose();
    }

    [Fact]
    public void Table_ListsEveryStateChangingEndpointOfTheServer()
    {
        var mapped = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(ServerUnderTest.RepositoryRoot(), "src", "IoTFireAlert.Server"), "*.cs", SearchOption.AllDirectories))
        {
            mapped.AddRange(MapCall().Matches(File.ReadAllText(file)).Select(m => $"{m.Groups[1].Value.ToUpperInvariant()} {m.Groups[2].Value}"));
        }

        var listed = StateChanging.Select(e => $"{e.Method} {e.Route}").Concat(OpenToAll.Select(p => $"POST {p}"));
        Assert.Equal(listed.Order(StringComparer.Ordinal), mapped.Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task EveryStateChangingEndpoint_RefusesNoKeyWrongKeyAndSmallRole_AndChangesNothing()
    {
        await MosquittoClients.PublishAsync(_broker.Port, "dev/acme/SX-0001-SD01/up", """{"v":1,"kind":"smoke_detector","smoke":true}""");
        await _server.EventuallyFoundAsync(async () =>
            (await _server.GetJsonAsync<JsonElement[]>("/api/alarms?device=SX-0001-SD01"))!.FirstOrDefault() is { ValueKind: JsonValueKind.Object } a ? (JsonElement?)a : null,
            TimeSpan.FromSeconds(20), "the alarm to protect");
        var before = await SnapshotAsync();

        using var anonymous = _server.Client();
        using var wrong = _server.Client("not-a-key-of-this-server-0000000");
        using var viewer = _server.Client(ServerUnderTest.ViewerKey);
        using var dispatcher = _server.Client(ServerUnderTest.DispatcherKey);
        var refused = new List<string>();
        foreach (var (method, _, path, minimumRole) in StateChanging)
        {
            Expect(refused, HttpStatusCode.Unauthorized, await SendAsync(anonymous, method, path), "no key", method, path);
            Expect(refused, HttpStatusCode.Unauthorized, await SendAsync(wrong, method, path), "wrong key", method, path);
            Expect(refused, HttpStatusCode.Forbidden, await SendAsync(viewer, method, path), "viewer", method, path);
            if (minimumRole == "administrator")
            {
                Expect(refused, HttpStatusCode.Forbidden, await SendAsync(dispatcher, method, path), "dispatcher", method, path);
            }
        }

        Assert.Empty(refused);
        Assert.Equal(before, await SnapshotAsync());
    }

    private static void Expect(List<string> failures, HttpStatusCode expected, HttpStatusCode actual, string who, string method, string path)
    {
        if (actual != expected)
        {
            failures.Add($"{method} {path} as {who}: {(int)actual}, expected {(int)expected}");
        }
    }

    /// <summary>A body each endpoint would accept from a caller who may, so a refusal is the filter's, not the parser's.</summary>
    private static async Task<HttpStatusCode> SendAsync(HttpClient client, string method, string path)
    {
        var body = path switch
        {
            "/api/devices:import" => new StringContent("id,kind,vendor,site\nX-NEW-1,smoke_detector,acme,SX-0001", Encoding.UTF8, "text/csv"),
            "/api/stations:import" => new StringContent("""[{"id":"FS-NEW","name":"new","tier":"fire_station","lat":30,"lon":120}]""", Encoding.UTF8, "application/json"),
            _ => new StringContent("""{"by":"intruder","cause":"false_alarm","status":"out_of_service","note":"x","text":"x","device":"SX-0001-SD01"}""", Encoding.UTF8, "application/json"),
        };
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = body };
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>What a refused call could have changed: alarms, devices, stations, work orders, fleet.</summary>
    private async Task<string> SnapshotAsync()
    {
        using var admin = _server.Client(ServerUnderTest.AdminKey);
        var parts = new List<string>();
        foreach (var path in (string[])["/api/alarms?limit=5000", "/api/devices?limit=10000", "/api/stations", "/api/workorders", "/api/fleet/vehicles"])
        {
            parts.Add(await admin.GetStringAsync(path));
        }

        // Live figures (last seen, positions' age) move by themselves; states and counts must not.
        return MovingFigures().Replace(string.Join('\n', parts), "");
    }

    [GeneratedRegex(@"app\.Map(Post|Put|Delete|Patch)\(""([^""]+)""")]
    private static partial Regex MapCall();

    [GeneratedRegex(@"""(lastSeen\w*|updatedAt\w*|ageSeconds|now\w*)"":[^,}\]]*")]
    private static partial Regex MovingFigures();
}
