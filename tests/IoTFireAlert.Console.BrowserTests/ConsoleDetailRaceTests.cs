using System.Globalization;
using IoTFireAlert.Server.IntegrationTests;
using static Microsoft.Playwright.Assertions;

namespace IoTFireAlert.Console.BrowserTests;

/// <summary>
/// The detail panel loads an alarm when it opens and again when the alarm changes (after an action,
/// when the stream reports it), not otherwise; a slow answer to an earlier load must not put the state
/// from before an action back, and a refresh must not take the note field from under the operator's
/// keys. Its own seeded server: it resolves an alarm the shared fixture's tests
/// expect open.
/// </summary>
public sealed class ConsoleDetailRaceTests(SeededConsole console) : IClassFixture<SeededConsole>
{
    [Fact]
    public async Task OpenDetail_WithNothingChanging_IsNotLoadedAgain()
    {
        var id = ConsoleSeed.WarningOtherSite.ToString(CultureInfo.InvariantCulture);
        var page = await console.Chromium.OpenConsoleAsync(console.Server.BaseAddress);
        await page.Locator($"#queue-list .alarm[data-alarm-id='{id}']").ClickAsync();
        await Expect(page.Locator("#detail-state")).ToHaveAttributeAsync("data-state", "active");

        var loads = 0;
        await page.RouteAsync($"**/api/alarms/{id}", async route =>
        {
            Interlocked.Increment(ref loads);
            await route.ContinueAsync();
        });
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.Equal(0, Volatile.Read(ref loads));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task NoteBeingTyped_KeepsFocusWhenTheStreamRefreshesThePanel()
    {
        var id = ConsoleSeed.MajorForbidden.ToString(CultureInfo.InvariantCulture);
        var page = await console.Chromium.OpenConsoleAsync(console.Server.BaseAddress);
        await ChromiumBrowser.LogInAsync(page, ServerUnderTest.DispatcherKey, "王芳");
        await page.Locator($"#queue-list .alarm[data-alarm-id='{id}']").ClickAsync();
        await Expect(page.Locator("#detail-state")).ToHaveAttributeAsync("data-state", "active");
        await page.ClickAsync("#action-note");
        await page.Keyboard.TypeAsync("先到");

        // Another dispatcher acknowledges: the stream tells the page, which rebuilds the panel.
        using var client = console.Server.Client(ServerUnderTest.DispatcherKey);
        using var body = new StringContent("""{"by":"赵强"}""", System.Text.Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri($"/api/alarms/{id}/ack", UriKind.Relative), body);
        response.EnsureSuccessStatusCode();
        await Expect(page.Locator("#detail-state")).ToHaveAttributeAsync("data-state", "acknowledged");

        await page.Keyboard.TypeAsync("现场");
        await Expect(page.Locator("#action-note")).ToBeFocusedAsync();
        await Expect(page.Locator("#action-note")).ToHaveValueAsync("先到现场");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task SlowAnswerFromBeforeResolve_DoesNotOverwriteTheResolvedAlarm()
    {
        var id = ConsoleSeed.MinorToResolve.ToString(CultureInfo.InvariantCulture);
        var page = await console.Chromium.OpenConsoleAsync(console.Server.BaseAddress);
        await ChromiumBrowser.LogInAsync(page, ServerUnderTest.DispatcherKey, "王芳");
        await page.Locator($"#queue-list .alarm[data-alarm-id='{id}']").ClickAsync();
        await Expect(page.Locator("#detail-state")).ToHaveAttributeAsync("data-state", "active");

        // The load that follows the acknowledgement gets its answer (acknowledged) from the server at
        // once but is handed to the page only 2 s later, after the alarm has been resolved.
        var holdNext = true;
        var staleDelivered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync($"**/api/alarms/{id}", async route =>
        {
            if (route.Request.Method != "GET" || !holdNext)
            {
                await route.ContinueAsync();
                return;
            }

            holdNext = false;
            var answer = await route.FetchAsync();
            // Handed over later, off the handler: the page's other requests go on meanwhile.
            _ = Task.Run(async () =>
            {
                await Task.Delay(TimeSpan.FromSeconds(2));
                await route.FulfillAsync(new() { Response = answer });
                staleDelivered.TrySetResult();
            });
        });

        await page.ClickAsync("#ack-button");
        // Shown by the refresh the acknowledgement schedules (not held): the ack is stored, so the
        // resolve below cannot overtake it.
        await Expect(page.Locator("#detail-state")).ToHaveAttributeAsync("data-state", "acknowledged");
        await page.SelectOptionAsync("#resolve-cause", "fault");
        await page.FillAsync("#action-note", "充电口已更换");
        await page.ClickAsync("#resolve-button");
        await Expect(page.Locator("#detail-state")).ToHaveAttributeAsync("data-state", "resolved");

        await staleDelivered.Task.WaitAsync(TimeSpan.FromSeconds(15));
        await Task.Delay(TimeSpan.FromMilliseconds(500)); // time for a render of the stale answer
        await Expect(page.Locator("#detail-state")).ToHaveAttributeAsync("data-state", "resolved", new() { Timeout = 1000 });
        await Expect(page.Locator("#detail .timeline .event-resolved .event-detail")).ToHaveTextAsync("fault: 充电口已更换", new() { Timeout = 1000 });
        await page.Context.CloseAsync();
    }
}
