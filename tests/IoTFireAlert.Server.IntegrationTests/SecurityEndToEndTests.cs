using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using IoTFireAlert.TestSupport;

namespace IoTFireAlert.Server.IntegrationTests;

/// <summary>Who may speak for a device or change an alarm, and the trail they leave.</summary>
public sealed class SecurityEndToEndTests : IDisposable
{
    private const string Password = "night shift 0300";
    private readonly MosquittoBroker _broker = MosquittoBroker.Start();
    private readonly ServerUnderTest _server;

    public SecurityEndToEndTests()
    {
        _server = new ServerUnderTest(_broker, new Dictionary<string, string>
        {
            ["Security:Users:0:Name"] = "zhang.min",
            ["Security:Users:0:Role"] = "dispatcher",
            ["Security:Users:0:PasswordHash"] = Security.PasswordHashes.Hash(Password),
            ["Security:LoginAttemptsPerMinute"] = "3",
            ["Pipeline:DeviceMessagesPerSecond"] = "5",
            ["Pipeline:DeviceBurst"] = "20",
        });
    }

    public void Dispose()
    {
        _server.Dispose();
        _broker.Dispose();
    }

    [Fact]
    public async Task Login_SetsAStrictHttpOnlyCookie_ThatActsForTheUser_UntilLogout()
    {
        var cookies = new CookieContainer();
        using var handler = new HttpClientHandler { CookieContainer = cookies };
        using var browser = new HttpClient(handler) { BaseAddress = _server.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/me")).StatusCode);

        var login = await browser.PostAsJsonAsync("/api/login", new { name = "zhang.min", password = Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var setCookie = Assert.Single(login.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);

        var me = await browser.GetFromJsonAsync<JsonElement>("/api/me");
        Assert.Equal("dispatcher", me.GetProperty("role").GetString());

        await browser.PostAsync("/api/logout", null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task RepeatedBadLogins_AreThrottled()
    {
        using var client = _server.Client();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add((await client.PostAsJsonAsync("/api/login", new { name = "zhang.min", password = "guess" + i })).StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        // Even the right password waits out the window.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.PostAsJsonAsync("/api/login", new { name = "zhang.min", password = Password })).StatusCode);
    }

    [Fact]
    public async Task EveryStateChange_IsInTheAuditLog_ReadableByAdministratorsOnly()
    {
        await MosquittoClients.PublishAsync(_broker.Port, "dev/acme/SX-0005-SD01/up", """{"v":1,"kind":"smoke_detector","smoke":true}""");
        var alarm = await _server.EventuallyFoundAsync(async () =>
            (await _server.GetJsonAsync<JsonElement[]>("/api/alarms?device=SX-0005-SD01"))!.FirstOrDefault() is { ValueKind: JsonValueKind.Object } a ? (JsonElement?)a : null,
            TimeSpan.FromSeconds(20), "the alarm");
        var id = alarm.GetProperty("id").GetInt64();
        using (var desk = _server.Client(ServerUnderTest.DispatcherKey))
        {
            Assert.Equal(HttpStatusCode.OK, (await desk.PostAsJsonAsync($"/api/alarms/{id}/ack", new { by = "Wang Wei" })).StatusCode);
        }

        using (var anonymous = _server.Client())
        {
            await anonymous.PostAsJsonAsync($"/api/alarms/{id}/resolve", new { cause = "test" });
        }

        using (var viewer = _server.Client(ServerUnderTest.ViewerKey))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync("/api/audit")).StatusCode);
        }

        using var admin = _server.Client(ServerUnderTest.AdminKey);
        var audit = (await admin.GetFromJsonAsync<JsonElement[]>("/api/audit"))!;
        Assert.Contains(audit, e => e.GetProperty("actor").GetString() == "desk" && e.GetProperty("path").GetString() == $"/api/alarms/{id}/ack"
            && e.GetProperty("status").GetInt32() == 200 && e.GetProperty("remote").GetString() == "127.0.0.1");
        Assert.Contains(audit, e => e.GetProperty("actor").GetString() == "anonymous" && e.GetProperty("status").GetInt32() == 401);
    }

    [Fact]
    public async Task ApiResponses_CarrySecurityHeaders()
    {
        using var client = _server.Client();
        var response = await client.GetAsync("/api/alarms");
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeviceUnderAnotherVendor_IsRejectedAsSpoofing_CountedAndFlagged()
    {
        // SX-0001-SD01 is registered to vendor acme.
        await MosquittoClients.PublishAsync(_broker.Port, "dev/nbiot-x/SX-0001-SD01/up", "AAAA");
        await MosquittoClients.PublishAsync(_broker.Port, "dev/gbt/SX-0001-SD01/up", "@@##");
        var letters = await _server.EventuallyAsync(async () =>
        {
            var found = (await _server.GetJsonAsync<JsonElement[]>("/api/deadletters?stage=spoofing"))!;
            return found.Length > 0 ? found : null;
        }, TimeSpan.FromSeconds(20), "the spoofing dead letter");
        Assert.Contains("registered to vendor 'acme'", letters[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
        var warning = await _server.EventuallyFoundAsync(async () =>
            (await _server.GetJsonAsync<JsonElement[]>("/api/alarms?device=SX-0001-SD01"))!.FirstOrDefault(a => a.GetProperty("type").GetString() == "spoofing") is { ValueKind: JsonValueKind.Object } a ? (JsonElement?)a : null,
            TimeSpan.FromSeconds(20), "the spoofing warning");
        Assert.Equal("warning", warning.GetProperty("severity").GetString());
        Assert.DoesNotContain((await _server.GetJsonAsync<JsonElement[]>("/api/alarms?device=SX-0001-SD01"))!, a => a.GetProperty("type").GetString() == "smoke_alarm");
    }

    [Fact]
    public async Task FloodingDevice_IsThrottledAndFlagged_AnotherDevicesFireAlarmStillArrives()
    {
        // 400 messages from one device, as fast as mosquitto_pub can send them (one connection, -l reads lines).
        var flood = Enumerable.Range(0, 400).Select(_ => """{"v":1,"kind":"smoke_detector","battery_pct":90}""");
        var info = new ProcessStartInfo(ServerProcess.Require("mosquitto_pub", "mosquitto-clients")) { RedirectStandardInput = true };
        foreach (var a in new[] { "-h", "127.0.0.1", "-p", _broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-q", "1", "-t", "dev/acme/SX-0008-SD01/up", "-l" })
        {
            info.ArgumentList.Add(a);
        }

        using (var publisher = Process.Start(info)!)
        {
            foreach (var line in flood)
            {
                await publisher.StandardInput.WriteLineAsync(line);
            }

            publisher.StandardInput.Close();
            await publisher.WaitForExitAsync();
        }

        await MosquittoClients.PublishAsync(_broker.Port, "dev/acme/SX-0007-SD01/up", """{"v":1,"kind":"smoke_detector","smoke":true}""");
        await _server.EventuallyAsync(async () =>
            (await _server.GetJsonAsync<JsonElement[]>("/api/alarms?device=SX-0007-SD01"))!.Length > 0 ? "ok" : null, TimeSpan.FromSeconds(20), "the other device's fire alarm");
        var flooding = await _server.EventuallyFoundAsync(async () =>
            (await _server.GetJsonAsync<JsonElement[]>("/api/alarms?device=SX-0008-SD01"))!.FirstOrDefault(a => a.GetProperty("type").GetString() == "flooding") is { ValueKind: JsonValueKind.Object } a ? (JsonElement?)a : null,
            TimeSpan.FromSeconds(20), "the flooding warning");
        Assert.Equal("warning", flooding.GetProperty("severity").GetString());
        using var client = _server.Client();
        var metrics = await client.GetStringAsync("/metrics");
        var throttled = metrics.Split('\n').Where(l => l.StartsWith("iotfire_partition_throttled_total", StringComparison.Ordinal)).Sum(l => double.Parse(l.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(throttled >= 300, $"expected most of the flood throttled, got {throttled}");
    }

    [Fact]
    public void Server_RefusesToStart_WithADemoKey_OutsideDemoMode()
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        info.ArgumentList.Add(Path.Combine(Path.GetDirectoryName(typeof(SecurityEndToEndTests).Assembly.Location)!, "IoTFireAlert.Server.dll"));
        info.Environment["IOTFIRE_ROOT"] = ServerUnderTest.RepositoryRoot();
        info.Environment["IOTFIRE_Http__Urls"] = $"http://127.0.0.1:{FreePort.Next()}";
        info.Environment["IOTFIRE_Security__ApiKeys__0__Name"] = "admin";
        info.Environment["IOTFIRE_Security__ApiKeys__0__Role"] = "administrator";
        info.Environment["IOTFIRE_Security__ApiKeys__0__Key"] = "demo-key-please-change-me-0000";
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(60_000));
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("demo key", error, StringComparison.Ordinal);
        Assert.DoesNotContain("demo-key-please-change-me-0000", error, StringComparison.Ordinal);
    }
}
