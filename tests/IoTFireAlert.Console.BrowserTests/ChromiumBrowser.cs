using Microsoft.Playwright;
using IoTFireAlert.TestSupport;

namespace IoTFireAlert.Console.BrowserTests;

/// <summary>
/// Debian's chromium, headless, driven by Playwright's own driver (it ships in the NuGet package).
/// No browser is downloaded: a missing /usr/bin/chromium fails with what to install.
/// </summary>
public sealed class ChromiumBrowser : IAsyncDisposable
{
    private readonly IPlaywright _playwright;

    private ChromiumBrowser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static async Task<ChromiumBrowser> LaunchAsync()
    {
        // The machine is shared: a page may take longer than Playwright's 5 s default to settle.
        // Assertions about speed (an alarm within 2 s) give their own timeout.
        Assertions.SetDefaultExpectTimeout(10_000);
        var executable = ServerProcess.Require("chromium", "--no-install-recommends chromium");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Args =
            [
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                // The room's browser has been clicked long before an alarm comes; a test page has not.
                "--autoplay-policy=no-user-gesture-required",
            ],
        });
        return new ChromiumBrowser(playwright, browser);
    }

    /// <summary>A fresh context (own sessionStorage) at the console's size in the center: 1440x900.</summary>
    public async Task<IPage> OpenConsoleAsync(Uri baseAddress, string language = "zh-CN")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
            Locale = language,
            TimezoneId = "Asia/Shanghai",
        });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await Assertions.Expect(page.Locator("body[data-ready='true']")).ToHaveCountAsync(1);
        return page;
    }

    /// <summary>Logs in with an API key through the page's own form, as an operator would.</summary>
    public static async Task LogInAsync(IPage page, string key, string operatorName)
    {
        await page.FillAsync("#operator-input", operatorName);
        await page.FillAsync("#key-input", key);
        await page.ClickAsync("#login-button");
        await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-readonly", "false");
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.CloseAsync();
        _playwright.Dispose();
    }
}
