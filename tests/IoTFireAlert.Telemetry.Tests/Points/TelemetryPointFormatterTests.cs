using System.Buffers;
using System.Text;
using IoTFireAlert.Ingestion.Alarms;
using IoTFireAlert.Ingestion.Readings;
using IoTFireAlert.Telemetry.LineProtocol;
using IoTFireAlert.Telemetry.Points;

namespace IoTFireAlert.Telemetry.Tests.Points;

public sealed class TelemetryPointFormatterTests
{
    private readonly TelemetryPointFormatter _formatter = new(TimestampPrecision.Milliseconds);
    private readonly ArrayBufferWriter<byte> _output = new();

    private string Text => Encoding.UTF8.GetString(_output.WrittenSpan);

    [Fact]
    public void WriteReport_ChargingPile_MeasurementTagsAndChannelFields()
    {
        var device = new DeviceTags("CP-0007", DeviceKind.ChargingPile, "acme", "柯桥区 华舍街道", "G-12");
        var batch = new DecodedBatch();
        ref var report = ref batch.BeginReport("CP-0007");
        report.Flags = ReportFlags.HasTimestamp | ReportFlags.HasSequence;
        report.TimestampUnixMs = 1_700_000_000_123;
        report.Sequence = 42;
        batch.Add(new Reading(Signal.PortTemperatureCelsius, 41.5, 2));
        batch.Add(new Reading(Signal.PortPowerWatts, 350, 2));
        batch.Add(new Reading(Signal.BatteryPercent, 87));

        var lines = _formatter.WriteReport(_output, batch, 0, device, receivedUnixMs: 1);

        Assert.Equal(1, lines);
        Assert.Equal(
            "charging_pile,device_id=CP-0007,grid=G-12,kind=charging_pile,site=柯桥区\\ 华舍街道,vendor=acme " +
            "port_temp_c_2=41.5,port_power_w_2=350,battery_pct=87,seq=42i 1700000000123\n",
            Text);
    }

    [Fact]
    public void WriteReport_FlagsAsBoolNaNSkippedReceiveTimeUsed()
    {
        var device = new DeviceTags("SD-1", DeviceKind.SmokeDetector, "v");
        var batch = new DecodedBatch();
        batch.BeginReport("SD-1");
        batch.Add(new Reading(Signal.SmokeAlarm, 1));
        batch.Add(new Reading(Signal.Tamper, 0));
        batch.Add(new Reading(Signal.SmokeDensityDbPerMetre, double.NaN));

        _formatter.WriteReport(_output, batch, 0, device, receivedUnixMs: 99);

        Assert.Equal("smoke_detector,device_id=SD-1,kind=smoke_detector,vendor=v smoke=true,tamper=false 99\n", Text);
        Assert.Equal(1, _formatter.NonFiniteValuesSkipped);
    }

    [Fact]
    public void WriteReport_NothingToStore_WritesNoLine()
    {
        var device = new DeviceTags("SD-1", DeviceKind.SmokeDetector, "v");
        var batch = new DecodedBatch();
        batch.BeginReport("SD-1");
        batch.Add(new Reading(Signal.BatteryPercent, double.PositiveInfinity));

        Assert.Equal(0, _formatter.WriteReport(_output, batch, 0, device, 1));
        Assert.Equal(0, _output.WrittenCount);
    }

    [Fact]
    public void WritePosition_FleetPositionLine()
    {
        _formatter.WritePosition(_output, new FleetPosition("浙D·12345", 5_000, 30.0123, 120.5, 42.5, 270, "dispatched"));

        Assert.Equal("fleet_position,vehicle_id=浙D·12345 lat=30.0123,lon=120.5,speed_kmh=42.5,heading=270,status=\"dispatched\" 5000\n", Text);
    }

    [Fact]
    public void WritePosition_VehicleIdWithNewline_CountedNotThrown()
    {
        Assert.Equal(0, _formatter.WritePosition(_output, new FleetPosition("a\nb", 1, 1, 1, 1, 1, "x")));
        Assert.Equal(1, _formatter.PointsRejected);
        Assert.Equal(0, _output.WrittenCount);
    }

    [Fact]
    public void WriteAlarmEvent_AlarmEventLine()
    {
        var device = new DeviceTags("EF-9", DeviceKind.ElectricalFireMonitor, "acme", "西湖", "");
        var transition = new AlarmTransition(AlarmType.ResidualCurrentAlarm, Severity.Major, AlarmCondition.Raised, 512.5, 7_000);

        _formatter.WriteAlarmEvent(_output, new AlarmEvent(device, transition));

        Assert.Equal(
            "alarm_event,device_id=EF-9,kind=electrical_fire,site=西湖,type=residual_current_alarm,vendor=acme " +
            "condition=\"raised\",severity=2i,active=true,value=512.5 7000\n",
            Text);
    }

    [Fact]
    public void DeviceTags_TagWithNewline_FailsAtRegistration()
    {
        Assert.Throws<LineProtocolException>(() => new DeviceTags("D1", DeviceKind.SmokeDetector, "v", "site\nx"));
    }

    [Fact]
    public void WriteReport_SteadyState_AllocatesNothing()
    {
        var device = new DeviceTags("EF-1", DeviceKind.ElectricalFireMonitor, "acme", "绍兴", "G1");
        var batch = new DecodedBatch();
        batch.BeginReport("EF-1");
        batch.Add(new Reading(Signal.ResidualCurrentMilliamps, 35.5));
        batch.Add(new Reading(Signal.CableTemperatureCelsius, 48.25, 1));
        batch.Add(new Reading(Signal.CurrentAmps, 12.75, 3));
        var lines = new LineBatch(1 << 20, 10_000);
        for (var i = 0; i < 100; i++)
        {
            _formatter.WriteReport(lines, batch, 0, device, i);
        }

        lines.Clear();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            _formatter.WriteReport(lines, batch, 0, device, i);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(1_000, lines.LineCount);
    }
}
