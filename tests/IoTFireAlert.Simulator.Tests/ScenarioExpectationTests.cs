using IoTFireAlert.Ingestion.Alarms;
using IoTFireAlert.Ingestion.Readings;
using IoTFireAlert.Simulator.Cli;
using IoTFireAlert.Simulator.City;
using IoTFireAlert.Simulator.Devices;
using IoTFireAlert.Simulator.Load;
using IoTFireAlert.Simulator.Payloads;

namespace IoTFireAlert.Simulator.Tests;

/// <summary>Every scenario of config/scenarios casts from the sample devices and from a generated city, and expects the alarms rules.json says.</summary>
public sealed class ScenarioExpectationTests
{
    private static readonly VendorFormats Formats = VendorFormats.Load(Path.Combine(Repository.Config, "decoders.json"));
    private static readonly List<SimulatedDevice> Sample = DeviceCsvReader.ReadFile(Repository.SampleDevices);

    [Theory]
    [InlineData("fire-in-building", 5)] // 4 smoke alarms + 1 manual call point
    [InlineData("leakage-current-rising", 2)] // pre-alarm at 240 mA, alarm at 300 mA
    [InlineData("charging-pile-overheating", 1)]
    [InlineData("devices-offline", 5)]
    [InlineData("flapping-sensor", 1)] // one alarm however often it flaps
    [InlineData("alarm-storm", 9)] // the sample's busiest site has 9 smoke detectors
    [InlineData("repair-van-to-site", 0)]
    public void Scenario_OnSampleDevices_ExpectsTheAlarmsOfTheRules(string scenario, int expected)
    {
        var prepared = Prepare(Sample, scenario);

        Assert.Equal(expected, prepared.ExpectedAlarms);
        Assert.NotEmpty(prepared.Timeline);
        Assert.All(prepared.Timeline, m => Assert.True(m.OffsetMs >= 0));
    }

    [Fact]
    public void AllScenarios_Together_UseSitesOfTheirOwn_AndAddUp()
    {
        var names = new[] { "fire-in-building", "leakage-current-rising", "charging-pile-overheating", "devices-offline", "flapping-sensor", "alarm-storm", "repair-van-to-site" };

        var prepared = Prepare(Sample, names);

        Assert.Equal(5 + 2 + 1 + 5 + 1 + 9 + 0, prepared.ExpectedAlarms);
        var sitesByScenario = prepared.Timeline.Where(m => m.Device?.Site is not null).GroupBy(m => m.Scenario).ToDictionary(g => g.Key, g => g.Select(m => m.Device!.Site!).ToHashSet());
        foreach (var (scenario, sites) in sitesByScenario)
        {
            foreach (var (other, otherSites) in sitesByScenario.Where(o => o.Key != scenario))
            {
                Assert.False(sites.Overlaps(otherSites), $"{scenario} and {other} share a site: the server would correlate their alarms");
            }
        }

        var cast = prepared.Timeline.Where(m => m.Device is not null).Select(m => m.Device!.Id).ToHashSet();
        Assert.DoesNotContain(prepared.Background, d => cast.Contains(d.Id));
        Assert.Equal(Sample.Count - cast.Count, prepared.Background.Count);
    }

    [Fact]
    public void AlarmStorm_OnAGeneratedCity_Raises200SmokeAlarmsAtOneSite()
    {
        var city = new DemoCity().Devices(2000, 250, 3).Select(DemoCity.ToSimulated).ToList();

        var prepared = Prepare(city, "alarm-storm");

        Assert.Equal(200, prepared.ExpectedAlarms);
        var storm = prepared.Timeline.Where(m => m.Device is not null).ToList();
        Assert.Equal(200, storm.Select(m => m.Device!.Id).Distinct().Count());
        Assert.Single(storm.Select(m => m.Device!.Site).Distinct());
        Assert.True(storm[^1].OffsetMs - storm[0].OffsetMs <= 2000, "the storm should break within two seconds");
    }

    [Fact]
    public void FireInBuilding_OnAGeneratedCity_PlaysInAHousehold()
    {
        var city = new DemoCity().Devices(2000, DemoCity.DefaultSites(2000), 3).Select(DemoCity.ToSimulated).ToList();

        var prepared = Prepare(city, "alarm-storm", "fire-in-building");

        var fire = prepared.Alarms.Where(a => a.Message.Scenario == "fire-in-building").ToList();
        Assert.Equal(4, fire.Count(a => a.Type == AlarmType.SmokeAlarm));
        Assert.Single(fire, a => a.Type == AlarmType.ManualCallPoint);
        Assert.Single(fire.Select(a => a.Message.Device!.Site).Distinct());
    }

    [Fact]
    public void AlarmStorm_KeepsTheTower_WhenAnotherScenarioIsNamedFirst()
    {
        var city = new DemoCity().Devices(2000, 250, 3).Select(DemoCity.ToSimulated).ToList();

        var prepared = Prepare(city, "fire-in-building", "alarm-storm");

        Assert.Equal(5 + 200, prepared.ExpectedAlarms);
    }

    [Fact]
    public void FireInBuilding_SmokeDetectorsGoOffOneAfterAnother_ThenTheCallPoint()
    {
        var prepared = Prepare(Sample, "fire-in-building");
        var first = prepared.Timeline.Where(m => m.Device is not null).GroupBy(m => m.Device!.Id).Select(g => g.First()).ToList();

        var smoke = first.Where(m => m.Device!.Kind == DeviceKind.SmokeDetector).ToList();
        var callPoint = Assert.Single(first, m => m.Device!.Kind == DeviceKind.ManualCallPoint);
        Assert.Equal(4, smoke.Count);
        Assert.Equal(smoke.OrderBy(m => m.OffsetMs).Select(m => m.OffsetMs), smoke.Select(m => m.OffsetMs));
        Assert.True(smoke.Zip(smoke.Skip(1)).All(p => p.Second.OffsetMs > p.First.OffsetMs), "detectors must go off one after another");
        Assert.True(callPoint.OffsetMs > smoke[^1].OffsetMs);
        Assert.Contains(callPoint.Readings!, r => r.Signal == Signal.ManualCallPointPressed && r.Value == 1);
    }

    [Fact]
    public void LeakageScenario_RaisesPreAlarmThenAlarm_OnItsMonitor()
    {
        var prepared = Prepare(Sample, "leakage-current-rising");
        var expectation = new Scenarios.AlarmExpectation(Formats,
            IoTFireAlert.Ingestion.Decoders.DecoderRegistry.Load(File.ReadAllText(Path.Combine(Repository.Config, "decoders.json"))),
            IoTFireAlert.Ingestion.Rules.RuleBook.Load(File.ReadAllText(Path.Combine(Repository.Config, "rules.json"))));

        var raised = expectation.Raised(prepared.Timeline);

        Assert.Equal([AlarmType.ResidualCurrentPreAlarm, AlarmType.ResidualCurrentAlarm], raised.Select(r => r.Type));
        Assert.Single(raised.Select(r => r.DeviceId).Distinct());
    }

    [Fact]
    public void UnknownScenario_IsRefused_NamingTheKnownOnes()
    {
        var error = Assert.Throws<FileNotFoundException>(() => Prepare(Sample, "volcano"));

        Assert.Contains("fire-in-building", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnotherSeed_PlaysAtAnotherSite_WithTheSameExpectation()
    {
        var first = PrepareWithSeed(Sample, 1, "fire-in-building", "devices-offline");
        var second = PrepareWithSeed(Sample, 2, "fire-in-building", "devices-offline");

        Assert.Equal(first.ExpectedAlarms, second.ExpectedAlarms);
        var firstDevices = first.Timeline.Select(m => m.Device!.Id).ToHashSet();
        Assert.DoesNotContain(second.Timeline, m => firstDevices.Contains(m.Device!.Id));
    }

    internal static PreparedRun Prepare(IReadOnlyList<SimulatedDevice> devices, params string[] scenarios) => PrepareWithSeed(devices, 1, scenarios);

    private static PreparedRun PrepareWithSeed(IReadOnlyList<SimulatedDevice> devices, int seed, params string[] scenarios) =>
        RunCommand.Prepare(devices, Formats, Repository.Config, [], new RunSettings
        {
            Broker = new IoTFireAlert.Mqtt.MqttClientOptions(),
            Scenarios = scenarios,
            Seed = seed,
        });
}
