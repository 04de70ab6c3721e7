using IoTFireAlert.Dispatch.Fleet;
using IoTFireAlert.Dispatch.Geo;
using IoTFireAlert.Dispatch.Import;
using IoTFireAlert.Dispatch.Policy;
using IoTFireAlert.Dispatch.Stations;
using IoTFireAlert.Ingestion.Alarms;
using IoTFireAlert.Ingestion.Readings;

namespace IoTFireAlert.Dispatch.Tests.Policy;

public sealed class DispatcherTests
{
    // An alley house in the Shusheng Guli quarter of the old town.
    private static readonly GeoPoint Alarm = new(30.0030, 120.5890);

    private readonly DispatchPolicy _policy = DispatchPolicy.Load(RepoFiles.PathOf("config/dispatch.json"));
    private readonly NearestStationFinder _stations;
    private readonly FleetIndex _fleet;
    private readonly Dispatcher _dispatcher;

    public DispatcherTests()
    {
        _stations = new NearestStationFinder(StationImport.FromJson(RepoFiles.Read("config/stations.sample.json")).Items, _policy.Travel);
        _fleet = new FleetIndex(FleetRegion.Zhejiang, _policy.Travel);
        foreach (var v in VehicleImport.FromJson(RepoFiles.Read("config/fleet.sample.json")).Items)
        {
            _fleet.Register(v);
        }

        _dispatcher = new Dispatcher(_policy, _stations, _fleet);
    }

    [Fact]
    public void Plan_CriticalFire_NearestMicroStationAndNearestFireStationBothPrimary()
    {
        var plan = _dispatcher.Plan(AlarmType.SmokeAlarm, Severity.Critical, Alarm, DeviceKind.SmokeDetector);

        Assert.Equal("critical-fire", plan.RuleName);
        Assert.Equal(2, plan.Responders.Count);
        Assert.All(plan.Responders, r => Assert.Equal(ResponderRole.Primary, r.Role));
        Assert.Equal(NearestStation(StationTier.MicroStation, [ResponseMeans.SmallEngine, ResponseMeans.FireMotorcycle, ResponseMeans.FireBoat, ResponseMeans.PortableEquipment]), plan.Responders[0].Id);
        Assert.Equal(NearestStation(StationTier.FireStation, [ResponseMeans.Engine, ResponseMeans.SmallEngine]), plan.Responders[1].Id);
        Assert.True(plan.Responders[0].EtaSeconds > 0 && plan.Responders[0].DistanceMeters > 0);
        Assert.Equal(3, plan.Reserves.Count);
        Assert.Equal([0, 0, 1], plan.Reserves.Select(r => r.RequestIndex));
        Assert.Empty(plan.Shortfalls);
    }

    [Fact]
    public void Plan_ElectricalAlarm_NearestAvailableRepairVanPrimaryFireStationWarned()
    {
        foreach (var type in new[] { AlarmType.ResidualCurrentAlarm, AlarmType.CableTemperatureAlarm, AlarmType.OverVoltage, AlarmType.UnderVoltage })
        {
            var plan = _dispatcher.Plan(type, Severity.Major, Alarm, DeviceKind.ElectricalFireMonitor);

            Assert.Equal("electrical", plan.RuleName);
            Assert.Equal(ResponderKind.RepairVehicle, plan.Responders[0].Kind);
            Assert.Equal(ResponderRole.Primary, plan.Responders[0].Role);
            Assert.Equal(NearestAvailableVan(), plan.Responders[0].Id);
            Assert.Equal(ResponderKind.Station, plan.Responders[1].Kind);
            Assert.Equal(ResponderRole.Warn, plan.Responders[1].Role);
            Assert.Equal(NearestStation(StationTier.FireStation, [ResponseMeans.Engine]), plan.Responders[1].Id);
        }
    }

    [Fact]
    public void Plan_ChargingPileOverTemperature_RepairVanAndBrigadeBothPrimary()
    {
        var plan = _dispatcher.Plan(AlarmType.ChargingPortOverTemperature, Severity.Major, Alarm, DeviceKind.ChargingPile);

        Assert.Equal("charging-pile-fire", plan.RuleName);
        Assert.Equal([ResponderKind.RepairVehicle, ResponderKind.Station, ResponderKind.Station], plan.Responders.Select(r => r.Kind));
        Assert.All(plan.Responders, r => Assert.Equal(ResponderRole.Primary, r.Role));
        Assert.Equal(NearestAvailableVan(), plan.Responders[0].Id);
    }

    [Fact]
    public void Plan_FireAtChargingPile_AlsoCallsRepairVan()
    {
        var plan = _dispatcher.Plan(AlarmType.Fire, Severity.Critical, Alarm, DeviceKind.ChargingPile);

        Assert.Equal("charging-pile-fire", plan.RuleName);
        Assert.Contains(plan.Responders, r => r.Kind == ResponderKind.RepairVehicle);
    }

    [Theory]
    [InlineData(AlarmType.CableTemperatureWarning, Severity.Minor)]
    [InlineData(AlarmType.ResidualCurrentPreAlarm, Severity.Warning)]
    [InlineData(AlarmType.LowBattery, Severity.Warning)]
    [InlineData(AlarmType.Offline, Severity.Minor)]
    [InlineData(AlarmType.ResidualCurrentAlarm, Severity.Minor)]
    public void Plan_MinorOrWarningHazard_NoDispatch(AlarmType type, Severity severity)
    {
        var plan = _dispatcher.Plan(type, severity, Alarm);

        Assert.Same(DispatchPlan.None, plan);
        Assert.True(plan.IsEmpty);
    }

    [Fact]
    public void Plan_NearestCommitted_NextOneChosen()
    {
        var first = _dispatcher.Plan(AlarmType.Fire, Severity.Critical, Alarm).Responders[0].Id;
        _stations.SetStatus(first, UnitStatus.Committed);

        var second = _dispatcher.Plan(AlarmType.Fire, Severity.Critical, Alarm).Responders[0].Id;

        Assert.NotEqual(first, second);
        Assert.Equal(NearestStation(StationTier.MicroStation, [ResponseMeans.SmallEngine, ResponseMeans.FireMotorcycle, ResponseMeans.FireBoat, ResponseMeans.PortableEquipment]), second);
    }

    [Fact]
    public void Plan_NoVanAvailable_ShortfallReported()
    {
        for (var slot = 0; slot < _fleet.Count; slot++)
        {
            _fleet.SetStatus(slot, VehicleStatus.Busy);
        }

        var plan = _dispatcher.Plan(AlarmType.OverVoltage, Severity.Major, Alarm);

        Assert.DoesNotContain(plan.Responders, r => r.Kind == ResponderKind.RepairVehicle);
        Assert.Contains("found 0 of 1 available repair vehicle", Assert.Single(plan.Shortfalls), StringComparison.Ordinal);
        Assert.Equal(ResponderRole.Warn, Assert.Single(plan.Responders).Role);
    }

    [Fact]
    public void Parse_UnknownAlarmType_ErrorNamesIt()
    {
        const string json = """{"travel":{"speedsKmh":{"Engine":35,"SmallEngine":30,"FireMotorcycle":30,"FireBoat":20,"PortableEquipment":15,"RepairVan":35}},"rules":[{"name":"x","alarmTypes":["Volcano"],"responders":[{"kind":"RepairVehicle"}]}]}""";

        var ex = Assert.Throws<InvalidDataException>(() => DispatchPolicy.Parse(json));

        Assert.Contains("alarmTypes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_StationWithoutTiers_ErrorNamesRule()
    {
        const string json = """{"travel":{"speedsKmh":{"Engine":35,"SmallEngine":30,"FireMotorcycle":30,"FireBoat":20,"PortableEquipment":15,"RepairVan":35}},"rules":[{"name":"fire","alarmTypes":["Fire"],"responders":[{"kind":"Station","means":["Engine"]}]}]}""";

        var ex = Assert.Throws<InvalidDataException>(() => DispatchPolicy.Parse(json));

        Assert.Contains("rule 'fire' responders[0]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MissingSpeed_ErrorNamesMeans()
    {
        const string json = """{"travel":{"speedsKmh":{"Engine":35}},"rules":[]}""";

        var ex = Assert.Throws<InvalidDataException>(() => DispatchPolicy.Parse(json));

        Assert.Contains("SmallEngine", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SampleConfig_TimingAndSpeedsAsConfigured()
    {
        Assert.Equal(TimeSpan.FromSeconds(60), _policy.Acknowledgement.Deadline);
        Assert.Equal(35, _policy.Travel.SpeedKmh(ResponseMeans.Engine));
        Assert.Equal(20, _policy.Travel.SpeedKmh(ResponseMeans.FireBoat));
        Assert.Equal(1.3, _policy.Travel.RoadFactor);
    }

    private string NearestStation(StationTier tier, ResponseMeans[] means)
    {
        var best = (Eta: double.MaxValue, Id: string.Empty);
        for (var slot = 0; slot < _stations.Count; slot++)
        {
            var s = _stations[slot];
            if (s.Tier != tier || _stations.GetStatus(slot) != UnitStatus.Available)
            {
                continue;
            }

            foreach (var m in means.Where(s.Has))
            {
                var eta = _policy.Travel.EtaSeconds(GreatCircle.Meters(Alarm, s.Location), m);
                if (eta < best.Eta || (eta == best.Eta && string.CompareOrdinal(s.Id, best.Id) < 0))
                {
                    best = (eta, s.Id);
                }
            }
        }

        return best.Id;
    }

    private string NearestAvailableVan()
    {
        return Enumerable.Range(0, _fleet.Count)
            .Select(_fleet.Snapshot)
            .Where(v => v.Status == VehicleStatus.Available)
            .OrderBy(v => GreatCircle.Meters(Alarm, v.Location))
            .First().Id;
    }
}
