using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using IoTFireAlert.Ingestion.Alarms;
using IoTFireAlert.Server.Api;
using IoTFireAlert.Server.Hazards;
using IoTFireAlert.Server.Metrics;
using IoTFireAlert.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IoTFireAlert.Server.Tests.Hazards;

/// <summary>The hazard endpoints on a real Kestrel bound to 127.0.0.1, over the fixture's database and clock.</summary>
public sealed class HazardEndpointsTests
{
    private const string DispatcherKey = "dispatcher-key-0123456789abcdef";
    private const string ViewerKey = "viewer-key-0123456789abcdefgh";

    private static async Task<WebApplication> StartAsync(HazardFixture f)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var services = builder.Services;
        services.AddSingleton<TimeProvider>(f.Clock);
        services.AddSingleton(f.Database);
        services.AddSingleton(f.Options);
        services.AddSingleton(new SecurityOptions
        {
            ApiKeys =
            [
                new ApiKeyEntry { Name = "desk-1", Key = DispatcherKey, Role = "dispatcher" },
                new ApiKeyEntry { Name = "screen", Key = ViewerKey, Role = "viewer" },
            ],
        });
        services.AddSingleton<ApiKeyAuthenticator>();
        services.AddSingleton<LoginSessions>();
        services.AddSingleton(f.Risk);
        services.AddSingleton(f.Store);
        services.AddSingleton<WorkOrderService>();
        services.AddSingleton<SiteRegister>();
        services.AddSingleton<HazardStatistics>();
        services.AddSingleton<IMetricsSource, HazardMetrics>();
        var app = builder.Build();
        HazardEndpoints.Map(app);
        MetricsEndpoint.Map(app);
        await app.StartAsync();
        return app;
    }

    private static HttpClient Client(WebApplication app, string? key)
    {
        var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        return client;
    }

    private static async Task<string> TitleAsync(HttpResponseMessage response)
    {
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.GetProperty("title").GetString()!;
    }

    [Fact]
    public async Task Steps_NeedADispatcherKey_AndBadStepsAnswerWithTheReason()
    {
        await using var f = new HazardFixture();
        var device = await f.DeviceAsync("SD-H1");
        await f.RaiseAsync(device, AlarmType.LowBattery, Severity.Warning);
        var id = Assert.Single(f.OrdersOf("SD-H1")).Id;
        await using var app = await StartAsync(f);
        using var anonymous = Client(app, null);
        using var viewer = Client(app, ViewerKey);
        using var dispatcher = Client(app, DispatcherKey);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync($"/api/workorders/{id}/start", new { by = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync($"/api/workorders/{id}/start", new { by = "x" })).StatusCode);

        var skip = await dispatcher.PostAsJsonAsync($"/api/workorders/{id}/verify", new { by = "Zhou" });
        Assert.Equal(HttpStatusCode.Conflict, skip.StatusCode);
        Assert.Contains("only an order awaiting verification", await TitleAsync(skip), StringComparison.Ordinal);
        var stranger = await dispatcher.PostAsJsonAsync($"/api/workorders/{id}/assign", new { by = "Wu", assignee = "Nobody" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, stranger.StatusCode);
        Assert.Contains("'Nobody' is not a member", await TitleAsync(stranger), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await dispatcher.PostAsJsonAsync($"/api/workorders/{id}/teleport", new { by = "x" })).StatusCode);

        var started = await dispatcher.PostAsJsonAsync($"/api/workorders/{id}/start", new { by = HazardFixture.MemberA });
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        using var detail = JsonDocument.Parse(await anonymous.GetStringAsync($"/api/workorders/{id}"));
        Assert.Equal("rectifying", detail.RootElement.GetProperty("order").GetProperty("state").GetString());
        var last = detail.RootElement.GetProperty("timeline").EnumerateArray().Last();
        Assert.Equal("started", last.GetProperty("event").GetString());
        Assert.Equal($"{HazardFixture.MemberA} (via desk-1)", last.GetProperty("actor").GetString());
    }

    [Fact]
    public async Task Finding_IsCreatedByADispatcher_AndShowsUpInSitesStatsAndMetrics()
    {
        await using var f = new HazardFixture();
        await f.DeviceAsync("SD-H2", "SITE-H");
        await using var app = await StartAsync(f);
        using var viewer = Client(app, ViewerKey);
        using var dispatcher = Client(app, DispatcherKey);
        var finding = new { site = "SITE-H", hazard = "BlockedExit", severity = "minor", photo = "photos/h-1.jpg", description = "stairwell blocked", by = "Inspector Zhou" };

        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync("/api/workorders", finding)).StatusCode);
        var missingPhoto = await dispatcher.PostAsJsonAsync("/api/workorders", finding with { photo = "" });
        Assert.Equal(HttpStatusCode.BadRequest, missingPhoto.StatusCode);
        Assert.Contains("photo is required", await TitleAsync(missingPhoto), StringComparison.Ordinal);
        var created = await dispatcher.PostAsJsonAsync("/api/workorders", finding);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        using var sites = JsonDocument.Parse(await viewer.GetStringAsync("/api/sites?code=yellow"));
        var site = Assert.Single(sites.RootElement.EnumerateArray());
        Assert.Equal("SITE-H", site.GetProperty("site").GetString());
        Assert.True(site.GetProperty("dueToday").GetBoolean());
        Assert.Equal(HttpStatusCode.BadRequest, (await viewer.GetAsync("/api/sites?code=purple")).StatusCode);

        var inspected = await dispatcher.PostAsJsonAsync("/api/sites/SITE-H/inspections", new { by = "Inspector Zhou" });
        Assert.Equal(HttpStatusCode.OK, inspected.StatusCode);
        using var due = JsonDocument.Parse(await viewer.GetStringAsync("/api/sites?due=today"));
        Assert.Empty(due.RootElement.EnumerateArray());

        var csv = await viewer.GetAsync("/api/stats/hazards?format=csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(HazardStatistics.CsvHeader, lines[0]);
        Assert.Equal($"{HazardFixture.GridA},{f.Statistics.Week(f.Clock.NowMs)},1,0,0,", lines[1]);

        var metrics = await viewer.GetStringAsync("/metrics");
        Assert.Contains("iotfire_work_orders_open{state=\"assigned\"} 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("iotfire_sites{code=\"yellow\"} 1\n", metrics, StringComparison.Ordinal);
    }
}
