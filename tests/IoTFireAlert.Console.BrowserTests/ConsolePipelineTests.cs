using System.Diagnostics;
using System.Globalization;
using System.Net;
using IoTFireAlert.Server.IntegrationTests;
using IoTFireAlert.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace IoTFireAlert.Console.BrowserTests;

/// <summary>
/// The whole way, as the room sees it: a detector publishes a smoke alarm through a real Mosquitto,
/// the server decodes it, raises and dispatches the alarm, and the console shows it within 2 s; the
/// operator opens it, sees the nearest station and its ETA, acknowledges, resolves.
/// </summary>
public sealed class ConsolePipelineTests : IAsyncLifetime
{
    private MosquittoBroker _broker = null!;
    private ServerUnderTest _server = null!;
    private ChromiumBrowser _chromium = null!;

    public async Task InitializeAsync()
    {
        // xunit does not call DisposeAsync when InitializeAsync throws: clean up here, so a missing
        // browser never leaves a broker and a server running.
        try
        {
            _chromium = await ChromiumBrowser.LaunchAsync();
            _broker = MosquittoBroker.Start();
            _server = new ServerUnderTest(_broker);
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (_chromium is not null)
        {
            await _chromium.DisposeAsync();
        }

        _server?.Dispose();
        _broker?.Dispose();
    }

    [Fact]
    public async Task SmokeAlarm_PublishedOverMqtt_ShownAcknowledgedResolvedInConsole()
    {
        await EnsureDeviceRegisteredAsync("SX-0001-SD01");
        await _server.EventuallyAsync(async () => await HealthyAsync() ? "ok" : null, TimeSpan.FromSeconds(30), "the server reporting healthy (MQTT subscribed)");
        var page = await _chromium.OpenConsoleAsync(_server.BaseAddress);
        await ChromiumBrowser.LogInAsync(page, ServerUnderTest.DispatcherKey, "王芳");
        await Expect(page.Locator("#connection")).ToHaveAttributeAsync("data-live", "true");
        var row = page.Locator("#queue-list .alarm[data-device-id='SX-0001-SD01']");
        await Expect(row).ToHaveCountAsync(0);

        Publish("dev/acme/SX-0001-SD01/up", """{"v":1,"kind":"smoke_detector","smoke":true}""");

        await Expect(row).ToBeVisibleAsync(new() { Timeout = 2000 });
        await Expect(row).ToHaveAttributeAsync("data-severity", "critical");
        await Expect(row).ToHaveAttributeAsync("data-state", "active");
        await Expect(row).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bflash\b"));
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-sounding", "true");

        await row.ClickAsync();
        await Expect(page.Locator("#detail-device")).ToHaveTextAsync("SX-0001-SD01");
        await Expect(page.Locator("#detail .facts .address")).ToHaveTextAsync("绍兴市越城区书圣故里82号");
        // The nearest station comes first, with its ETA.
        var nearest = page.Locator("#detail .responder[data-kind='station']").First;
        await Expect(nearest).ToBeVisibleAsync(new() { Timeout = 5000 });
        await Expect(nearest.Locator(".responder-name")).Not.ToBeEmptyAsync();
        await Expect(nearest.Locator(".responder-eta")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"\d+ 秒$"));
        await Expect(page.Locator("#detail .timeline .event-raised")).ToHaveCountAsync(1);

        await page.ClickAsync("#ack-button");
        await Expect(page.Locator("#detail-state")).ToHaveAttributeAsync("data-state", "acknowledged");
        await Expect(row).ToHaveAttributeAsync("data-state", "acknowledged");
        await Expect(row).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bflash\b"));
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-sounding", "false");
        await Expect(page.Locator("#detail .timeline .event-acknowledged .event-actor")).ToHaveTextAsync("王芳 (via desk)");

        await page.SelectOptionAsync("#resolve-cause", "false_alarm");
        await page.ClickAsync("#resolve-button");
        await Expect(page.Locator("#detail-state")).ToHaveAttributeAsync("data-state", "resolved");
        await Expect(page.Locator("#detail .timeline .event-resolved")).ToHaveCountAsync(1);
        await Expect(row).ToHaveCountAsync(0);
        await page.SelectOptionAsync("#filter-state", "resolved");
        await Expect(row).ToHaveAttributeAsync("data-state", "resolved");
        await page.Context.CloseAsync();
    }

    /// <summary>Registers the sample devices unless the server already has them (it imports the sample file at start when its table is empty).</summary>
    private async Task EnsureDeviceRegisteredAsync(string deviceId)
    {
        using var client = _server.Client(ServerUnderTest.AdminKey);
        using var probe = await client.GetAsync(new Uri($"/api/devices/{deviceId}", UriKind.Relative));
        if (probe.StatusCode == HttpStatusCode.OK)
        {
            return;
        }

        var csv = await File.ReadAllTextAsync(Path.Combine(ServerUnderTest.RepositoryRoot(), "config", "devices.sample.csv"));
        using var body = new StringContent(csv, System.Text.Encoding.UTF8, "text/csv");
        using var response = await client.PostAsync(new Uri("/api/devices:import", UriKind.Relative), body);
        Assert.True(response.IsSuccessStatusCode, $"device import: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<bool> HealthyAsync()
    {
        using var client = _server.Client();
        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
        return response.StatusCode == HttpStatusCode.OK;
    }

    private void Publish(string topic, string payload)
    {
        var binary = ServerProcess.Require("mosquitto_pub", "mosquitto-clients");
        var info = new ProcessStartInfo(binary) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-h", "127.0.0.1", "-p", _broker.Port.ToString(CultureInfo.InvariantCulture), "-q", "1", "-i", "console-test-detector", "-t", topic, "-m", payload })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(10_000), "mosquitto_pub did not finish");
        Assert.True(process.ExitCode == 0, $"mosquitto_pub failed: {error}");
    }
}
