using System.Globalization;
using System.Text;
using IoTFireAlert.Ingestion.Decoders;
using IoTFireAlert.Ingestion.Readings;

namespace IoTFireAlert.Ingestion.Tests.Decoders;

public sealed class CanonicalJsonDecoderTests
{
    private const string ElectricalExample =
        """{"v":1,"ts":1732250000000,"seq":42,"kind":"electrical_fire","test":false,"residual_current_ma":85,"cable_temp_c":[41.5,40.2,39.8],"voltage_v":[221,220,219],"current_a":[12.1,11.9,12.3],"battery_pct":90,"smoke":false,"tamper":false,"fault":false,"heartbeat":false}""";

    private readonly CanonicalJsonDecoder _decoder = new();

    [Fact]
    public void TryDecode_ElectricalFireExample_ReadsEveryFieldWithPhaseChannels()
    {
        var report = Assert.Single(DecodedReport.DecodeOk(_decoder, "ef-7", Encoding.UTF8.GetBytes(ElectricalExample)));

        Assert.Equal("ef-7", report.DeviceId);
        Assert.Equal(DeviceKind.ElectricalFireMonitor, report.Report.Kind);
        Assert.Equal(1732250000000, report.Report.TimestampUnixMs);
        Assert.Equal(42u, report.Report.Sequence);
        Assert.Equal(ReportFlags.HasTimestamp | ReportFlags.HasSequence, report.Report.Flags);
        Assert.Equal(
            new[]
            {
                new Reading(Signal.ResidualCurrentMilliamps, 85),
                new Reading(Signal.CableTemperatureCelsius, 41.5, 1),
                new Reading(Signal.CableTemperatureCelsius, 40.2, 2),
                new Reading(Signal.CableTemperatureCelsius, 39.8, 3),
                new Reading(Signal.VoltageVolts, 221, 1),
                new Reading(Signal.VoltageVolts, 220, 2),
                new Reading(Signal.VoltageVolts, 219, 3),
                new Reading(Signal.CurrentAmps, 12.1, 1),
                new Reading(Signal.CurrentAmps, 11.9, 2),
                new Reading(Signal.CurrentAmps, 12.3, 3),
                new Reading(Signal.BatteryPercent, 90),
                new Reading(Signal.SmokeAlarm, 0),
                new Reading(Signal.Tamper, 0),
                new Reading(Signal.Fault, 0),
            },
            report.Readings);
    }

    [Fact]
    public void TryDecode_ChargingPilePortNumberAfterValues_ReadingsOnPortChannel()
    {
        var json = """{"kind":"charging_pile","ports":[{"temp_c":48.2,"power_w":650,"leakage_ma":3,"port":1},{"port":7,"temp_c":70.5,"extra":{"a":[1,2]}}],"leakage_ma":12}""";
        var report = Assert.Single(DecodedReport.DecodeOk(_decoder, "pile-1", Encoding.UTF8.GetBytes(json)));

        Assert.Equal(DeviceKind.ChargingPile, report.Report.Kind);
        Assert.Equal(
            new[]
            {
                new Reading(Signal.PortTemperatureCelsius, 48.2, 1),
                new Reading(Signal.PortPowerWatts, 650, 1),
                new Reading(Signal.PileLeakageMilliamps, 3, 1),
                new Reading(Signal.PortTemperatureCelsius, 70.5, 7),
                new Reading(Signal.PileLeakageMilliamps, 12, 0),
            },
            report.Readings);
    }

    [Fact]
    public void TryDecode_SmokeHeartbeatTestWithUnknownFields_FlagsSetUnknownSkipped()
    {
        var json = """
            {"fw":"1.2.3","v":1,"kind":"smoke_detector","heartbeat":true,"test":true,"smoke":true,
             "extra":{"nested":[{"deep":[1,2,{"x":null}]}]},"list":[true,"a"],"battery_pct":null,"kind2":"x",
             "manual_call_point":false,"heat":true,"gas":false,"fire":true,"temp_c":-12.5,"rssi_dbm":-97,
             "smoke_db_m":0.12,"gas_lel_pct":5}
            """;
        var report = Assert.Single(DecodedReport.DecodeOk(_decoder, "sd-1", Encoding.UTF8.GetBytes(json)));

        Assert.Equal(ReportFlags.Heartbeat | ReportFlags.Test, report.Report.Flags);
        Assert.Equal(DeviceKind.SmokeDetector, report.Report.Kind);
        Assert.Equal(
            new[]
            {
                new Reading(Signal.SmokeAlarm, 1),
                new Reading(Signal.ManualCallPointPressed, 0),
                new Reading(Signal.HeatAlarm, 1),
                new Reading(Signal.GasAlarm, 0),
                new Reading(Signal.FireAlarm, 1),
                new Reading(Signal.TemperatureCelsius, -12.5),
                new Reading(Signal.SignalStrengthDbm, -97),
                new Reading(Signal.SmokeDensityDbPerMetre, 0.12),
                new Reading(Signal.GasLelPercent, 5),
            },
            report.Readings);
    }

    [Fact]
    public void TryDecode_EscapedFieldNameAndUnknownKind_NameMatchedKindUnknown()
    {
        var json = """{"sm\u006fke":true,"kind":"toaster","cable_temp_c":[null,55]}""";
        var report = Assert.Single(DecodedReport.DecodeOk(_decoder, "d", Encoding.UTF8.GetBytes(json)));

        Assert.Equal(DeviceKind.Unknown, report.Report.Kind);
        Assert.Equal(new[] { new Reading(Signal.SmokeAlarm, 1), new Reading(Signal.CableTemperatureCelsius, 55, 2) }, report.Readings);
    }

    [Theory]
    [InlineData("", CanonicalJsonDecoder.EmptyPayload, 0)]
    [InlineData("[1,2]", CanonicalJsonDecoder.NotAnObject, 0)]
    [InlineData("42", CanonicalJsonDecoder.NotAnObject, 0)]
    [InlineData("""{"v":2}""", CanonicalJsonDecoder.UnsupportedVersion, 5)]
    [InlineData("""{"v":"1"}""", CanonicalJsonDecoder.UnsupportedVersion, 5)]
    [InlineData("""{"ts":-1}""", CanonicalJsonDecoder.BadTimestamp, 6)]
    [InlineData("""{"ts":1.5}""", CanonicalJsonDecoder.BadTimestamp, 6)]
    [InlineData("""{"seq":4294967296}""", CanonicalJsonDecoder.BadSequence, 7)]
    [InlineData("""{"kind":3}""", CanonicalJsonDecoder.BadKind, 8)]
    [InlineData("""{"smoke":1}""", CanonicalJsonDecoder.ExpectedBoolean, 9)]
    [InlineData("""{"test":"yes"}""", CanonicalJsonDecoder.ExpectedBoolean, 8)]
    [InlineData("""{"residual_current_ma":"85"}""", CanonicalJsonDecoder.ExpectedNumber, 23)]
    [InlineData("""{"cable_temp_c":[1,"2"]}""", CanonicalJsonDecoder.ExpectedNumber, 19)]
    [InlineData("""{"cable_temp_c":{"a":1}}""", CanonicalJsonDecoder.ExpectedNumber, 16)]
    [InlineData("""{"battery_pct":1e400}""", CanonicalJsonDecoder.NonFiniteNumber, 15)]
    [InlineData("""{"ports":{}}""", CanonicalJsonDecoder.BadPorts, 9)]
    [InlineData("""{"ports":[1]}""", CanonicalJsonDecoder.BadPorts, 10)]
    [InlineData("""{"ports":[{"temp_c":40}]}""", CanonicalJsonDecoder.BadPortNumber, 22)]
    [InlineData("""{"ports":[{"port":0}]}""", CanonicalJsonDecoder.BadPortNumber, 18)]
    [InlineData("""{"ports":[{"port":1,"power_w":true}]}""", CanonicalJsonDecoder.ExpectedNumber, 30)]
    [InlineData("""{"smoke":tru}""", CanonicalJsonDecoder.MalformedJson, -2)]
    [InlineData("""{"smoke":true""", CanonicalJsonDecoder.MalformedJson, -2)]
    [InlineData("""{"smoke":true}x""", CanonicalJsonDecoder.MalformedJson, -2)]
    [InlineData("""{"smoke":true}{}""", CanonicalJsonDecoder.MalformedJson, -2)]
    [InlineData("""{"a":NaN}""", CanonicalJsonDecoder.MalformedJson, -2)]
    [InlineData("""{"a":1,}""", CanonicalJsonDecoder.MalformedJson, -2)]
    [InlineData("""{"a":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]}""", CanonicalJsonDecoder.MalformedJson, -2)]
    public void TryDecode_BadPayload_FailsWithFixedReasonAndOffset(string json, string reason, int offset)
    {
        var error = DecodedReport.DecodeFails(_decoder, Encoding.UTF8.GetBytes(json));

        Assert.Equal(reason, error.Reason);
        if (offset == -2)
        {
            Assert.InRange(error.Offset, 0, json.Length);
        }
        else
        {
            Assert.Equal(offset, error.Offset);
        }
    }

    [Fact]
    public void TryDecode_TooManyChannels_Fails()
    {
        var json = "{\"voltage_v\":[" + string.Join(',', Enumerable.Repeat("220", 65)) + "]}";

        Assert.Equal(CanonicalJsonDecoder.TooManyChannels, DecodedReport.DecodeFails(_decoder, Encoding.UTF8.GetBytes(json)).Reason);
    }

    [Fact]
    public void TryDecode_EveryTruncationOfAGoodPayload_FailsCleanly()
    {
        var bytes = Encoding.UTF8.GetBytes(ElectricalExample);
        for (var length = 0; length < bytes.Length; length++)
        {
            var batch = new DecodedBatch();
            var ok = _decoder.TryDecode("d", bytes.AsSpan(0, length), batch, out var error);

            Assert.False(ok, $"length {length} decoded");
            Assert.InRange(error.Offset, 0, length);
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-0.5")]
    [InlineData("41.5")]
    [InlineData("123456789012345")]
    [InlineData("1234567890123456789")]
    [InlineData("0.000000000000001")]
    [InlineData("3.14159e2")]
    [InlineData("-1E-3")]
    [InlineData("9007199254740993")]
    public void TryDecode_Numbers_SameDoubleAsDoubleParse(string number)
    {
        var report = Assert.Single(DecodedReport.DecodeOk(_decoder, "d", Encoding.UTF8.GetBytes("{\"temp_c\":" + number + "}")));

        Assert.Equal(double.Parse(number, CultureInfo.InvariantCulture), Assert.Single(report.Readings).Value);
    }

    [Fact]
    public void TryDecode_SteadyState_AllocatesNothing()
    {
        var payload = Encoding.UTF8.GetBytes(ElectricalExample);
        var batch = new DecodedBatch();
        for (var i = 0; i < 100; i++)
        {
            batch.Clear();
            _decoder.TryDecode("ef-7", payload, batch, out _);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            batch.Clear();
            Assert.True(_decoder.TryDecode("ef-7", payload, batch, out _));
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
