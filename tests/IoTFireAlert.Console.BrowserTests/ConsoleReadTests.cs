using System.Text.RegularExpressions;
using IoTFireAlert.Server.IntegrationTests;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace IoTFireAlert.Console.BrowserTests;

/// <summary>The console on a seeded server, looked at without changing anything.</summary>
public sealed partial class ConsoleReadTests(SeededConsole console) : IClassFixture<SeededConsole>
{
    [Fact]
    public async Task Queue_SeededAlarms_MostSevereThenNewestFirst()
    {
        var page = await console.Chromium.OpenConsoleAsync(console.Server.BaseAddress);
        var rows = page.Locator("#queue-list .alarm");

        // Open alarms only by default: the one resolved yesterday is not in the queue.
        await Expect(rows).ToHaveCountAsync(5);
        var ids = await rows.EvaluateAllAsync<long[]>("rows => rows.map(r => Number(r.dataset.alarmId))");
        Assert.Equal([ConsoleSeed.CriticalSmoke, ConsoleSeed.MajorForbidden, ConsoleSeed.MajorAcknowledged, ConsoleSeed.MinorToResolve, ConsoleSeed.WarningOtherSite], ids);
        // Severity is spelled out, not only coloured.
        await Expect(rows.First.Locator(".sev-badge")).ToContainTextAsync("紧急");
        await Expect(rows.First.Locator(".alarm-type")).ToHaveTextAsync("烟雾报警");
        await Expect(rows.First.Locator(".responder-name")).ToHaveTextAsync("书圣故里微型消防站");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task CriticalUnacknowledged_FlashesAndSounds_MuteStopsSoundOnly()
    {
        var page = await console.Chromium.OpenConsoleAsync(console.Server.BaseAddress);
        var critical = page.Locator($"#queue-list .alarm[data-alarm-id='{ConsoleSeed.CriticalSmoke}']");
        await Expect(critical).ToHaveClassAsync(FlashClass());
        await Expect(page.Locator("#queue-list .alarm.flash")).ToHaveCountAsync(1);
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-sounding", "true");

        await page.ClickAsync("#mute-toggle");

        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-sounding", "false");
        await Expect(page.Locator("#mute-toggle")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(critical).ToHaveClassAsync(FlashClass());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Filters_SeverityStateSite_ShowOnlyMatching()
    {
        var page = await console.Chromium.OpenConsoleAsync(console.Server.BaseAddress);
        var rows = page.Locator("#queue-list .alarm");
        await Expect(rows).ToHaveCountAsync(5);

        await page.SelectOptionAsync("#filter-severity", "major");
        await Expect(rows).ToHaveCountAsync(2);
        Assert.All(await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.severity)"), s => Assert.Equal("major", s));

        await page.SelectOptionAsync("#filter-state", "acknowledged");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToHaveAttributeAsync("data-alarm-id", ConsoleSeed.MajorAcknowledged.ToString(System.Globalization.CultureInfo.InvariantCulture));

        await page.SelectOptionAsync("#filter-severity", "");
        await page.SelectOptionAsync("#filter-state", "resolved");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToHaveAttributeAsync("data-alarm-id", ConsoleSeed.ResolvedYesterday.ToString(System.Globalization.CultureInfo.InvariantCulture));

        await page.SelectOptionAsync("#filter-state", "open");
        await page.FillAsync("#filter-site", "SX-0001");
        await Expect(rows).ToHaveCountAsync(2);
        Assert.All(await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.deviceId)"), d => Assert.StartsWith("SX-0001-", d, StringComparison.Ordinal));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task WithoutKey_ReadOnly_NoActionButtons()
    {
        var page = await console.Chromium.OpenConsoleAsync(console.Server.BaseAddress);
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-readonly", "true");
        await page.ClickAsync($"#queue-list .alarm[data-alarm-id='{ConsoleSeed.CriticalSmoke}']");

        await Expect(page.Locator("#detail .timeline .event")).Not.ToHaveCountAsync(0);
        await Expect(page.Locator("#ack-button")).ToHaveCountAsync(0);
        await Expect(page.Locator("#resolve-button")).ToHaveCountAsync(0);
        await Expect(page.Locator("#detail .readonly-note")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Detail_CriticalAlarm_ShowsDeviceRespondersAndTimeline()
    {
        var page = await console.Chromium.OpenConsoleAsync(console.Server.BaseAddress);
        await page.ClickAsync($"#queue-list .alarm[data-alarm-id='{ConsoleSeed.CriticalSmoke}']");
        var detail = page.Locator("#detail");

        await Expect(detail.Locator("#detail-device")).ToHaveTextAsync("SX-0001-SD01");
        await Expect(detail.Locator(".facts .address")).ToHaveTextAsync("绍兴市越城区书圣故里82号");
        await Expect(detail.Locator(".facts .contacts")).ToContainTextAsync("13745351751");
        await Expect(detail.Locator(".facts")).ToContainTextAsync("1幢");
        // Nearest first: the micro station's fire motorcycle, 95 s away; the repair van is only warned.
        var responders = detail.Locator(".responder");
        await Expect(responders).ToHaveCountAsync(3);
        await Expect(responders.First).ToHaveAttributeAsync("data-responder-id", "MFS-07");
        await Expect(responders.First.Locator(".responder-eta")).ToHaveTextAsync("1 分 35 秒");
        await Expect(responders.First).ToContainTextAsync("消防摩托");
        await Expect(responders.Nth(2)).ToHaveAttributeAsync("data-responder-id", "PR-12");
        await Expect(responders.First.Locator(".countdown")).ToHaveTextAsync(CountdownText());
        var events = await detail.Locator(".timeline .event").EvaluateAllAsync<string[]>("e => e.map(x => x.dataset.event)");
        Assert.Equal(["raised", "dispatched", "pushed", "updated"], events);
        // The map rings the device and draws the way to each responder it knows the place of.
        await Expect(page.Locator("#map-svg .focus-ring[data-device-id='SX-0001-SD01']")).ToHaveCountAsync(1);
        await Expect(page.Locator("#map-svg .dispatch-line")).ToHaveCountAsync(3);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Map_DrawsEveryRegisteredDevice_AlarmedOnesInAlarmState()
    {
        var page = await console.Chromium.OpenConsoleAsync(console.Server.BaseAddress);
        var devices = page.Locator("#map-svg .device");
        await Expect(devices).ToHaveCountAsync(2317, new() { Timeout = 15_000 });
        await Expect(page.Locator("#map-svg .device[data-device-id='SX-0001-SD01']")).ToHaveAttributeAsync("data-state", "alarm");
        await Expect(page.Locator("#map-svg .device[data-device-id='SX-0001-SD02']")).Not.ToHaveAttributeAsync("data-state", "alarm");

        // Wheel zooms in (the viewBox narrows), drag pans (it moves).
        var before = await ViewBoxAsync(page);
        var box = (await page.Locator("#map-svg").BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(box.X + box.Width / 2, box.Y + box.Height / 2);
        await page.Mouse.WheelAsync(0, -400);
        var zoomed = await ViewBoxAsync(page);
        Assert.True(zoomed[2] < before[2] * 0.8, $"wheel did not zoom: {string.Join(' ', before)} -> {string.Join(' ', zoomed)}");
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(box.X + box.Width / 2 + 120, box.Y + box.Height / 2 + 60, new() { Steps = 4 });
        await page.Mouse.UpAsync();
        var panned = await ViewBoxAsync(page);
        Assert.True(panned[0] < zoomed[0] && panned[1] < zoomed[1], $"drag did not pan: {string.Join(' ', zoomed)} -> {string.Join(' ', panned)}");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Language_SwitchToEnglish_EveryLabelFollows()
    {
        var page = await console.Chromium.OpenConsoleAsync(console.Server.BaseAddress);
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        await Expect(page.Locator("#queue-title")).ToHaveTextAsync("告警队列");

        await page.ClickAsync("#lang-toggle");

        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(page.Locator("#queue-title")).ToHaveTextAsync("Alarm queue");
        var first = page.Locator("#queue-list .alarm").First;
        await Expect(first.Locator(".sev-badge")).ToContainTextAsync("Critical");
        await Expect(first.Locator(".alarm-type")).ToHaveTextAsync("Smoke alarm");
        await page.ClickAsync($"#queue-list .alarm[data-alarm-id='{ConsoleSeed.CriticalSmoke}']");
        await Expect(page.Locator("#detail .responder").First.Locator(".responder-eta")).ToHaveTextAsync("1 min 35 s");
        await Expect(page.Locator("#detail-state")).ToHaveTextAsync("Unacknowledged");
        // The choice survives a reload.
        await page.ReloadAsync();
        await Expect(page.Locator("#queue-title")).ToHaveTextAsync("Alarm queue");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Page_AsksOnlyItsOwnServer()
    {
        var context = await console.Chromium.Browser.NewContextAsync(new() { BaseURL = console.Server.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        var requested = new List<string>();
        page.Request += (_, request) => requested.Add(request.Url);
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !message.Text.Contains("404", StringComparison.Ordinal))
            {
                errors.Add(message.Text);
            }
        };

        await page.GotoAsync("/");
        await Expect(page.Locator("#queue-list .alarm")).ToHaveCountAsync(5);
        await page.ClickAsync($"#queue-list .alarm[data-alarm-id='{ConsoleSeed.CriticalSmoke}']");
        await Expect(page.Locator("#detail .responder")).ToHaveCountAsync(3);

        Assert.NotEmpty(requested);
        Assert.All(requested, url => Assert.StartsWith(console.Server.BaseAddress.ToString(), url, StringComparison.Ordinal));
        Assert.Empty(errors);
        await context.CloseAsync();
    }

    [Fact]
    public async Task Chart_LastHourReadings_OneLinePerFieldStepsForYesNo()
    {
        // The telemetry API arrives with the pipeline; the chart module is checked on its own here.
        var page = await console.Chromium.OpenConsoleAsync(console.Server.BaseAddress);
        var result = await page.EvaluateAsync<System.Text.Json.JsonElement>(
            """
            async () => {
              const { lineChart } = await import('/console/chart.js');
              const from = 1_000_000, to = from + 3600_000;
              const points = [
                { t: from + 60_000, field: 'smoke', value: 0 },
                { t: from + 1800_000, field: 'smoke', value: 1 },
                { t: from + 3000_000, field: 'smoke', value: 1 },
                { t: from + 60_000, field: 'temperature', value: 21.5 },
                { t: from + 1800_000, field: 'temperature', value: 48 },
              ];
              const svg = lineChart(points, from, to, from + 1800_000);
              const lines = [...svg.querySelectorAll('polyline')];
              return {
                fields: lines.map(l => l.dataset.field),
                smokePoints: lines[0].getAttribute('points').split(' ').length,
                temperaturePoints: lines[1].getAttribute('points').split(' ').length,
                marks: svg.querySelectorAll('.chart-mark').length,
                labels: [...svg.querySelectorAll('.chart-label')].map(t => t.textContent),
              };
            }
            """);
        Assert.Equal(["smoke", "temperature"], result.GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
        // Yes/no readings draw as steps: each change adds a corner point.
        Assert.Equal(5, result.GetProperty("smokePoints").GetInt32());
        Assert.Equal(2, result.GetProperty("temperaturePoints").GetInt32());
        Assert.Equal(1, result.GetProperty("marks").GetInt32());
        Assert.Contains("48", result.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Screenshot_ConsoleWithActiveCriticalAlarm_WrittenToDocs()
    {
        var page = await console.Chromium.OpenConsoleAsync(console.Server.BaseAddress);
        await Expect(page.Locator("#map-svg .device")).ToHaveCountAsync(2317, new() { Timeout = 15_000 });
        await page.ClickAsync($"#queue-list .alarm[data-alarm-id='{ConsoleSeed.CriticalSmoke}']");
        await Expect(page.Locator("#detail .responder")).ToHaveCountAsync(3);
        await page.Mouse.MoveAsync(700, 880);

        var path = Path.Combine(ServerUnderTest.RepositoryRoot(), "docs", "console.png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, Animations = ScreenshotAnimations.Disabled });

        var bytes = await File.ReadAllBytesAsync(path);
        Assert.Equal(0x89, bytes[0]);
        Assert.Equal(1440, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
        Assert.Equal(900, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
        await page.Context.CloseAsync();
    }

    private static async Task<double[]> ViewBoxAsync(IPage page) =>
        (await page.Locator("#map-svg").GetAttributeAsync("viewBox"))!.Split(' ').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    [GeneratedRegex(@"\bflash\b")]
    private static partial Regex FlashClass();

    [GeneratedRegex(@"^\d+:\d\d$")]
    private static partial Regex CountdownText();
}
