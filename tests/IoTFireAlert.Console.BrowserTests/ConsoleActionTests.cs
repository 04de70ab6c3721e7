using System.Globalization;
using IoTFireAlert.Server.IntegrationTests;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace IoTFireAlert.Console.BrowserTests;

/// <summary>Acknowledge and resolve from the console on a seeded server, and what a wrong or too small key gets.</summary>
public sealed class ConsoleActionTests(SeededConsole console) : IClassFixture<SeededConsole>
{
    [Fact]
    public async Task DispatcherKey_AcknowledgeThenResolve_QueueAndTimelineFollow()
    {
        var page = await console.Chromium.OpenConsoleAsync(console.Server.BaseAddress);
        await ChromiumBrowser.LogInAsync(page, ServerUnderTest.DispatcherKey, "王芳");
        var row = Row(page, ConsoleSeed.MinorToResolve);
        await row.ClickAsync();

        await page.ClickAsync("#ack-button");

        await Expect(page.Locator("#detail-state")).ToHaveAttributeAsync("data-state", "acknowledged");
        await Expect(row).ToHaveAttributeAsync("data-state", "acknowledged");
        await Expect(page.Locator("#detail .timeline .event-acknowledged .event-actor")).ToHaveTextAsync("王芳 (via desk)");
        await Expect(page.Locator("#ack-button")).ToHaveCountAsync(0);

        await Expect(page.Locator("#resolve-button")).ToBeDisabledAsync();
        await page.SelectOptionAsync("#resolve-cause", "fault");
        await page.FillAsync("#action-note", "充电口已更换");
        await page.ClickAsync("#resolve-button");

        await Expect(page.Locator("#detail-state")).ToHaveAttributeAsync("data-state", "resolved");
        await Expect(page.Locator("#detail .timeline .event-resolved .event-detail")).ToHaveTextAsync("fault: 充电口已更换");
        // Resolved alarms leave the open queue; the stream told the page, not a reload.
        await Expect(row).ToHaveCountAsync(0);
        var stored = await console.Server.GetJsonAsync<System.Text.Json.JsonElement>($"/api/alarms/{ConsoleSeed.MinorToResolve}");
        Assert.Equal("resolved", stored.GetProperty("alarm").GetProperty("state").GetString());
        Assert.Equal("fault", stored.GetProperty("alarm").GetProperty("cause").GetString());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task OtherConsole_SeesAcknowledgementLive()
    {
        var watcher = await console.Chromium.OpenConsoleAsync(console.Server.BaseAddress);
        var row = Row(watcher, ConsoleSeed.WarningOtherSite);
        await Expect(row).ToHaveAttributeAsync("data-state", "active");

        using var client = console.Server.Client(ServerUnderTest.DispatcherKey);
        using var body = new StringContent("""{"by":"赵强"}""", System.Text.Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri($"/api/alarms/{ConsoleSeed.WarningOtherSite}/ack", UriKind.Relative), body);
        response.EnsureSuccessStatusCode();

        await Expect(row).ToHaveAttributeAsync("data-state", "acknowledged", new() { Timeout = 3000 });
        await watcher.Context.CloseAsync();
    }

    [Fact]
    public async Task ViewerKey_Acknowledge_ShowsForbiddenAndChangesNothing()
    {
        var page = await console.Chromium.OpenConsoleAsync(console.Server.BaseAddress);
        await ChromiumBrowser.LogInAsync(page, ServerUnderTest.ViewerKey, "");
        await Row(page, ConsoleSeed.MajorForbidden).ClickAsync();

        await page.ClickAsync("#ack-button");

        await Expect(page.Locator("#action-message")).ToHaveTextAsync("此密钥无权执行该操作");
        await Expect(page.Locator("#detail-state")).ToHaveAttributeAsync("data-state", "active");
        // The key is valid, only too small: the operator stays logged in.
        await Expect(page.Locator("#logged-in")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task WrongKey_Acknowledge_ShowsUnauthorizedAndLogsOut()
    {
        var page = await console.Chromium.OpenConsoleAsync(console.Server.BaseAddress);
        await ChromiumBrowser.LogInAsync(page, "not-a-key-of-this-server-000000", "值班员");
        await Row(page, ConsoleSeed.MajorForbidden).ClickAsync();

        await page.ClickAsync("#ack-button");

        await Expect(page.Locator("#action-message")).ToHaveTextAsync("密钥无效，请重新登录");
        await Expect(page.Locator("#login-form")).ToBeVisibleAsync();
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-readonly", "true");
        await Expect(page.Locator("#ack-button")).ToHaveCountAsync(0);
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('iotfire.apiKey')"));
        var stored = await console.Server.GetJsonAsync<System.Text.Json.JsonElement>($"/api/alarms/{ConsoleSeed.MajorForbidden}");
        Assert.Equal("active", stored.GetProperty("alarm").GetProperty("state").GetString());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Key_KeptForTheTabOnly_SentAsHeader()
    {
        var page = await console.Chromium.OpenConsoleAsync(console.Server.BaseAddress);
        await ChromiumBrowser.LogInAsync(page, ServerUnderTest.DispatcherKey, "王芳");
        Assert.Equal(ServerUnderTest.DispatcherKey, await page.EvaluateAsync<string>("() => sessionStorage.getItem('iotfire.apiKey')"));
        Assert.Null(await page.EvaluateAsync<string?>("() => localStorage.getItem('iotfire.apiKey')"));
        await page.ReloadAsync();
        await Expect(page.Locator("#logged-in")).ToBeVisibleAsync();

        await page.ClickAsync("#logout-button");
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-readonly", "true");
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('iotfire.apiKey')"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task User_LogsInWithPassword_AcknowledgesUnderOwnName_LogsOut()
    {
        var page = await console.Chromium.OpenConsoleAsync(console.Server.BaseAddress);
        await page.SelectOptionAsync("#login-mode", "user");
        await page.FillAsync("#operator-input", SeededConsole.UserName);
        await page.FillAsync("#key-input", "not the password");
        await page.ClickAsync("#login-button");
        await Expect(page.Locator("#login-error")).ToHaveTextAsync("用户名或密码错误");
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-readonly", "true");

        await page.FillAsync("#key-input", SeededConsole.UserPassword);
        await page.ClickAsync("#login-button");
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-readonly", "false");
        await Expect(page.Locator("#operator-name")).ToHaveTextAsync(SeededConsole.UserName);
        // The session is an HttpOnly cookie: the page holds no secret.
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('iotfire.apiKey')"));
        Assert.DoesNotContain("iotfire_session", await page.EvaluateAsync<string>("() => document.cookie"), StringComparison.Ordinal);

        await Row(page, ConsoleSeed.CriticalSmoke).ClickAsync();
        await page.ClickAsync("#ack-button");
        await Expect(page.Locator("#detail-state")).ToHaveAttributeAsync("data-state", "acknowledged");
        await Expect(page.Locator("#detail .timeline .event-acknowledged .event-actor")).ToHaveTextAsync(SeededConsole.UserName);

        // A reload forgets the tab's storage but the session cookie remains: still logged in.
        await page.EvaluateAsync("() => sessionStorage.clear()");
        await page.ReloadAsync();
        await Expect(page.Locator("#operator-name")).ToHaveTextAsync(SeededConsole.UserName);

        await page.ClickAsync("#logout-button");
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-readonly", "true");
        await page.ReloadAsync();
        await Expect(page.Locator("body[data-ready='true']")).ToHaveCountAsync(1);
        await Expect(page.Locator("#login-form")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    private static ILocator Row(IPage page, long id) =>
        page.Locator($"#queue-list .alarm[data-alarm-id='{id.ToString(CultureInfo.InvariantCulture)}']");
}
