using IoTFireAlert.Ingestion.Alarms;
using IoTFireAlert.Ingestion.Readings;
using IoTFireAlert.Ingestion.Rules;

namespace IoTFireAlert.Ingestion.Tests.Rules;

public sealed class RuleEngineTests
{
    private const long T0 = 1_732_250_000_000;

    [Fact]
    public void Evaluate_SmokeFlag_RaisedOnceThenRepeatsThenCleared()
    {
        var script = new RuleScript(DeviceKind.SmokeDetector);

        var raised = Assert.Single(script.Send(T0, new Reading(Signal.SmokeAlarm, 1)));
        var repeat = Assert.Single(script.Send(T0 + 1000, new Reading(Signal.SmokeAlarm, 1)));
        var cleared = Assert.Single(script.Send(T0 + 2000, new Reading(Signal.SmokeAlarm, 0)));

        Assert.Equal(new AlarmTransition(AlarmType.SmokeAlarm, Severity.Critical, AlarmCondition.Raised, 1, T0), raised);
        Assert.Equal(AlarmCondition.Repeat, repeat.Condition);
        Assert.Equal(AlarmCondition.Cleared, cleared.Condition);
        Assert.Empty(script.Send(T0 + 3000, new Reading(Signal.SmokeAlarm, 0)));
    }

    [Theory]
    [InlineData(Signal.FireAlarm, AlarmType.Fire, Severity.Critical)]
    [InlineData(Signal.ManualCallPointPressed, AlarmType.ManualCallPoint, Severity.Critical)]
    [InlineData(Signal.HeatAlarm, AlarmType.HeatAlarm, Severity.Critical)]
    [InlineData(Signal.GasAlarm, AlarmType.GasAlarm, Severity.Critical)]
    [InlineData(Signal.Tamper, AlarmType.Tamper, Severity.Minor)]
    [InlineData(Signal.Fault, AlarmType.Fault, Severity.Minor)]
    public void Evaluate_EachFlag_RaisesItsAlarmWithItsSeverity(Signal signal, AlarmType type, Severity severity)
    {
        var script = new RuleScript(DeviceKind.SmokeDetector);

        var raised = Assert.Single(script.Send(T0, new Reading(signal, 1)));

        Assert.Equal((type, severity, AlarmCondition.Raised), (raised.Type, raised.Severity, raised.Condition));
        Assert.True(script.State.IsActive(type));
    }

    [Fact]
    public void Evaluate_TestReport_NoAlarmButProvesLiveness()
    {
        var script = new RuleScript(DeviceKind.SmokeDetector);

        Assert.Empty(script.Send(T0, ReportFlags.Test, new Reading(Signal.SmokeAlarm, 1), new Reading(Signal.BatteryPercent, 5)));

        Assert.Equal(T0, script.State.LastSeenUnixMs);
        Assert.False(script.State.IsActive(AlarmType.SmokeAlarm));
        // A real alarm afterwards is a first raise, not a repeat of the test.
        Assert.Equal(AlarmCondition.Raised, Assert.Single(script.Send(T0 + 1, new Reading(Signal.SmokeAlarm, 1))).Condition);
    }

    [Fact]
    public void Evaluate_ResidualCurrent_PreAlarmAt80PercentAlarmAtSetPointWithHysteresis()
    {
        var script = new RuleScript(DeviceKind.ElectricalFireMonitor);
        AlarmTransition[] At(long s, double ma) => script.Send(T0 + (s * 1000), new Reading(Signal.ResidualCurrentMilliamps, ma));

        Assert.Empty(At(0, 200));
        Assert.Equal([(AlarmType.ResidualCurrentPreAlarm, AlarmCondition.Raised)], Pairs(At(1, 240)));
        Assert.Equal([(AlarmType.ResidualCurrentAlarm, AlarmCondition.Raised)], Pairs(At(2, 300)));
        Assert.Empty(At(3, 280)); // above the 270 clear point: still in alarm, no flapping
        Assert.Empty(At(4, 301));
        Assert.Equal([(AlarmType.ResidualCurrentAlarm, AlarmCondition.Cleared)], Pairs(At(5, 260)));
        Assert.Empty(At(6, 220)); // pre-alarm clears below 216
        Assert.Equal([(AlarmType.ResidualCurrentPreAlarm, AlarmCondition.Cleared)], Pairs(At(7, 215)));
        Assert.Equal(Severity.Major, script.Rules.Thresholds.Single(t => t.Alarm == AlarmType.ResidualCurrentAlarm).Severity);
    }

    [Fact]
    public void Evaluate_OverVoltage_RaisedOnlyWhenSustainedTenSeconds()
    {
        var script = new RuleScript(DeviceKind.ElectricalFireMonitor);
        AlarmTransition[] At(long s, double v) => script.Send(T0 + (s * 1000), new Reading(Signal.VoltageVolts, v, 1));

        Assert.Empty(At(0, 240));
        Assert.Empty(At(5, 240));
        Assert.Empty(At(8, 230)); // dip resets the duration
        Assert.Empty(At(9, 240));
        Assert.Empty(At(18, 240));
        var raised = Assert.Single(At(19, 241));
        Assert.Equal((AlarmType.OverVoltage, AlarmCondition.Raised, 241.0, (byte)1), (raised.Type, raised.Condition, raised.Value, raised.Channel));
        Assert.Empty(At(20, 232)); // 2 % hysteresis: clears below 230.3
        Assert.Equal(AlarmCondition.Cleared, Assert.Single(At(21, 230)).Condition);
    }

    [Fact]
    public void Evaluate_UnderVoltageOnTwoPhases_OneAlarmUntilTheLastPhaseRecovers()
    {
        var script = new RuleScript(DeviceKind.ElectricalFireMonitor);
        AlarmTransition[] At(long s, double a, double b, double c) => script.Send(
            T0 + (s * 1000), new Reading(Signal.VoltageVolts, a, 1), new Reading(Signal.VoltageVolts, b, 2), new Reading(Signal.VoltageVolts, c, 3));

        Assert.Empty(At(0, 220, 190, 220));
        var raised = Assert.Single(At(10, 220, 190, 190));
        Assert.Equal((AlarmType.UnderVoltage, (byte)2), (raised.Type, raised.Channel));
        Assert.Empty(At(20, 220, 190, 195)); // phase 3 entered; the device alarm is already raised
        Assert.Empty(At(30, 220, 210, 195)); // phase 2 back, phase 3 still low
        var cleared = Assert.Single(At(40, 220, 210, 210));
        Assert.Equal((AlarmCondition.Cleared, (byte)3), (cleared.Condition, cleared.Channel));
    }

    [Fact]
    public void Evaluate_CableTemperature_WarningThenAlarmOnTheHotPhase()
    {
        var script = new RuleScript(DeviceKind.ElectricalFireMonitor);

        Assert.Empty(script.Send(T0, new Reading(Signal.CableTemperatureCelsius, 60, 1), new Reading(Signal.CableTemperatureCelsius, 40, 2)));
        var warning = Assert.Single(script.Send(T0 + 600_000, new Reading(Signal.CableTemperatureCelsius, 72, 1)));
        var alarm = Assert.Single(script.Send(T0 + 1_200_000, new Reading(Signal.CableTemperatureCelsius, 81, 1)));

        Assert.Equal((AlarmType.CableTemperatureWarning, Severity.Minor, (byte)1), (warning.Type, warning.Severity, warning.Channel));
        Assert.Equal((AlarmType.CableTemperatureAlarm, Severity.Major), (alarm.Type, alarm.Severity));
    }

    [Fact]
    public void Evaluate_HeatDetectorFastRise_RateOfRiseCritical()
    {
        var script = new RuleScript(DeviceKind.HeatDetector);

        Assert.Empty(script.Send(T0, new Reading(Signal.TemperatureCelsius, 25)));
        Assert.Empty(script.Send(T0 + 60_000, new Reading(Signal.TemperatureCelsius, 31))); // 6/min: fine
        var raised = Assert.Single(script.Send(T0 + 120_000, new Reading(Signal.TemperatureCelsius, 41))); // 10/min

        Assert.Equal((AlarmType.TemperatureRateOfRise, Severity.Critical, AlarmCondition.Raised), (raised.Type, raised.Severity, raised.Condition));
        Assert.Equal(10, raised.Value, 6);
        Assert.Empty(script.Send(T0 + 180_000, new Reading(Signal.TemperatureCelsius, 50))); // still rising: stays raised
        Assert.Equal(AlarmCondition.Cleared, Assert.Single(script.Send(T0 + 240_000, new Reading(Signal.TemperatureCelsius, 51))).Condition);
    }

    [Fact]
    public void Evaluate_RiseOfMoreThanAWindowWorthInSeconds_RaisedWithoutWaitingForTheWindow()
    {
        var script = new RuleScript(DeviceKind.HeatDetector);

        Assert.Empty(script.Send(T0, new Reading(Signal.TemperatureCelsius, 25)));
        Assert.Empty(script.Send(T0 + 10_000, new Reading(Signal.TemperatureCelsius, 24))); // dip becomes the reference
        Assert.Empty(script.Send(T0 + 20_000, new Reading(Signal.TemperatureCelsius, 29)));
        var raised = Assert.Single(script.Send(T0 + 30_000, new Reading(Signal.TemperatureCelsius, 33)));

        Assert.Equal(AlarmType.TemperatureRateOfRise, raised.Type);
    }

    [Fact]
    public void Evaluate_SlowSteadyRise_NoRateOfRise()
    {
        var script = new RuleScript(DeviceKind.HeatDetector);

        for (var minute = 0; minute < 10; minute++)
        {
            Assert.Empty(script.Send(T0 + (minute * 60_000L), new Reading(Signal.TemperatureCelsius, 20 + (minute * 7.5))));
        }
    }

    [Fact]
    public void CheckHeartbeat_SilentPastTwoIntervalsPlusGrace_OfflineThenNextReportClears()
    {
        var script = new RuleScript(DeviceKind.ElectricalFireMonitor); // 300 s interval, 60 s grace
        script.Send(T0, new Reading(Signal.BatteryPercent, 90));

        Assert.Empty(script.Tick(T0 + 660_000));
        var offline = Assert.Single(script.Tick(T0 + 660_001));
        Assert.Empty(script.Tick(T0 + 900_000));
        var online = Assert.Single(script.Send(T0 + 900_000, ReportFlags.Heartbeat));

        Assert.Equal((AlarmType.Offline, AlarmCondition.Raised, 660.001), (offline.Type, offline.Condition, offline.Value));
        Assert.Equal((AlarmType.Offline, AlarmCondition.Cleared), (online.Type, online.Condition));
        Assert.False(script.State.IsOffline);
    }

    [Fact]
    public void CheckHeartbeat_PerDeviceIntervalAndNeverSeenDevice()
    {
        var script = new RuleScript(DeviceKind.SmokeDetector);

        Assert.Empty(script.Tick(T0 + 100_000_000)); // never heard from, not seeded
        script.State.LastSeenUnixMs = T0;
        script.State.HeartbeatInterval = TimeSpan.FromSeconds(30);

        Assert.Empty(script.Tick(T0 + 120_000));
        Assert.Equal(AlarmType.Offline, Assert.Single(script.Tick(T0 + 120_001)).Type);
    }

    [Fact]
    public void Evaluate_ImpossibleValues_SensorFaultNeverFireAndValueNotUsed()
    {
        var script = new RuleScript(DeviceKind.ElectricalFireMonitor);

        var fault = Assert.Single(script.Send(T0, new Reading(Signal.CableTemperatureCelsius, 900, 2)));
        Assert.Equal((AlarmType.SensorFault, Severity.Warning, AlarmCondition.Raised, (byte)2), (fault.Type, fault.Severity, fault.Condition, fault.Channel));
        Assert.Empty(script.Send(T0 + 1, new Reading(Signal.CurrentAmps, -3, 1), new Reading(Signal.BatteryPercent, 120), new Reading(Signal.CableTemperatureCelsius, double.NaN, 1)));
        Assert.False(script.State.IsActive(AlarmType.CableTemperatureAlarm));
        Assert.False(script.State.IsActive(AlarmType.TemperatureRateOfRise));

        // Every faulty probe must recover before the hazard clears.
        Assert.Empty(script.Send(T0 + 2, new Reading(Signal.CableTemperatureCelsius, 40, 2), new Reading(Signal.CurrentAmps, 3, 1), new Reading(Signal.BatteryPercent, 90)));
        Assert.Equal(AlarmCondition.Cleared, Assert.Single(script.Send(T0 + 3, new Reading(Signal.CableTemperatureCelsius, 40, 1))).Condition);
    }

    [Fact]
    public void Evaluate_LowBattery_WarningAtTwentyPercentClearsAboveTwentyFive()
    {
        var script = new RuleScript(DeviceKind.SmokeDetector);

        Assert.Empty(script.Send(T0, new Reading(Signal.BatteryPercent, 21)));
        var low = Assert.Single(script.Send(T0 + 1, new Reading(Signal.BatteryPercent, 20)));
        Assert.Empty(script.Send(T0 + 2, new Reading(Signal.BatteryPercent, 24)));
        Assert.Equal(AlarmCondition.Cleared, Assert.Single(script.Send(T0 + 3, new Reading(Signal.BatteryPercent, 26))).Condition);
        Assert.Equal((AlarmType.LowBattery, Severity.Warning), (low.Type, low.Severity));
    }

    [Fact]
    public void Evaluate_ChargingPile_PortOverTemperaturePowerAndLeakagePerPort()
    {
        var script = new RuleScript(DeviceKind.ChargingPile);

        var result = script.Send(
            T0,
            new Reading(Signal.PortTemperatureCelsius, 48, 1),
            new Reading(Signal.PortTemperatureCelsius, 66, 2),
            new Reading(Signal.PortPowerWatts, 1200, 3),
            new Reading(Signal.PileLeakageMilliamps, 31, 4));
        var later = script.Send(T0 + 5000, new Reading(Signal.PortPowerWatts, 1200, 3));

        Assert.Equal([(AlarmType.ChargingPortOverTemperature, AlarmCondition.Raised), (AlarmType.ChargingPileLeakage, AlarmCondition.Raised)], Pairs(result));
        Assert.Equal(2, result[0].Channel);
        Assert.Equal([(AlarmType.ChargingPortOverPower, AlarmCondition.Raised)], Pairs(later));
    }

    [Fact]
    public void Resolve_SiteAndDeviceOverrides_Applied()
    {
        const string config = """
            {
              "defaults": { "heartbeatIntervalSeconds": 300 },
              "kinds": { "ElectricalFireMonitor": { "thresholds": [
                { "alarm": "ResidualCurrentAlarm", "signal": "ResidualCurrentMilliamps", "op": ">=", "threshold": 300,
                  "preAlarm": { "alarm": "ResidualCurrentPreAlarm", "ratio": 0.8 } },
                { "alarm": "OverVoltage", "signal": "VoltageVolts", "op": ">", "threshold": 235 } ] } },
              "sites": { "old-town": { "heartbeatGraceSeconds": 5,
                "kinds": { "ElectricalFireMonitor": { "thresholds": [ { "alarm": "ResidualCurrentAlarm", "threshold": 500 } ] } } } },
              "devices": { "ef-9": { "heartbeatIntervalSeconds": 60, "thresholds": [ { "alarm": "OverVoltage", "enabled": false } ] } }
            }
            """;
        var book = RuleBook.Load(config);

        var plain = book.Resolve(DeviceKind.ElectricalFireMonitor, null, "ef-1");
        var site = book.Resolve(DeviceKind.ElectricalFireMonitor, "old-town", "ef-2");
        var device = book.Resolve(DeviceKind.ElectricalFireMonitor, "old-town", "ef-9");

        Assert.Equal(300, plain.Thresholds.Single(t => t.Alarm == AlarmType.ResidualCurrentAlarm).Threshold);
        Assert.Equal(500, site.Thresholds.Single(t => t.Alarm == AlarmType.ResidualCurrentAlarm).Threshold);
        Assert.Equal(400, site.Thresholds.Single(t => t.Alarm == AlarmType.ResidualCurrentPreAlarm).Threshold);
        Assert.Equal(TimeSpan.FromSeconds(5), site.HeartbeatGrace);
        Assert.Equal(TimeSpan.FromSeconds(60), device.HeartbeatInterval);
        Assert.Equal(500, device.Thresholds.Single(t => t.Alarm == AlarmType.ResidualCurrentAlarm).Threshold);
        Assert.DoesNotContain(device.Thresholds, t => t.Alarm == AlarmType.OverVoltage);
        Assert.Same(site, book.Resolve(DeviceKind.ElectricalFireMonitor, "old-town", "ef-3"));

        var script = new RuleScript(DeviceKind.ElectricalFireMonitor, "old-town", "ef-2", config);
        Assert.Equal([(AlarmType.ResidualCurrentPreAlarm, AlarmCondition.Raised)], Pairs(script.Send(T0, new Reading(Signal.ResidualCurrentMilliamps, 450))));
    }

    [Fact]
    public void Evaluate_RulesChangedWhileAlarmActive_AlarmClearedAndReevaluated()
    {
        var book = RuleBook.Load(RuleScript.ConfigText);
        var engine = new RuleEngine();
        var state = new DeviceRuleState();
        var output = new List<AlarmTransition>();
        var report = new DeviceReport();
        Reading[] hot = [new Reading(Signal.ResidualCurrentMilliamps, 350)];
        engine.Evaluate(book.Resolve(DeviceKind.ElectricalFireMonitor, null, "d"), state, report, hot, T0, output);
        output.Clear();

        var reloaded = RuleBook.Load(RuleScript.ConfigText).Resolve(DeviceKind.ElectricalFireMonitor, null, "d");
        engine.Evaluate(reloaded, state, report, hot, T0 + 1, output);

        Assert.Equal(
            [(AlarmType.ResidualCurrentAlarm, AlarmCondition.Cleared), (AlarmType.ResidualCurrentPreAlarm, AlarmCondition.Cleared),
             (AlarmType.ResidualCurrentAlarm, AlarmCondition.Raised), (AlarmType.ResidualCurrentPreAlarm, AlarmCondition.Raised)],
            Pairs([.. output]));
    }

    [Fact]
    public void Evaluate_SteadyState_AllocatesNothing()
    {
        var script = new RuleScript(DeviceKind.ElectricalFireMonitor);
        var engine = new RuleEngine();
        var output = new List<AlarmTransition>(16);
        var report = new DeviceReport();
        Reading[] readings =
        [
            new(Signal.ResidualCurrentMilliamps, 85), new(Signal.CableTemperatureCelsius, 41.5, 1), new(Signal.CableTemperatureCelsius, 40, 2),
            new(Signal.VoltageVolts, 240, 1), new(Signal.CurrentAmps, 12, 1), new(Signal.SmokeAlarm, 1), new(Signal.BatteryPercent, 90),
        ];
        for (var i = 0; i < 100; i++)
        {
            output.Clear();
            engine.Evaluate(script.Rules, script.State, report, readings, T0 + (i * 1000), output);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 100; i < 1100; i++)
        {
            output.Clear();
            engine.Evaluate(script.Rules, script.State, report, readings, T0 + (i * 1000), output);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(AlarmCondition.Repeat, output.Single(t => t.Type == AlarmType.SmokeAlarm).Condition);
    }

    private static (AlarmType, AlarmCondition)[] Pairs(AlarmTransition[] transitions) => [.. transitions.Select(t => (t.Type, t.Condition))];
}
