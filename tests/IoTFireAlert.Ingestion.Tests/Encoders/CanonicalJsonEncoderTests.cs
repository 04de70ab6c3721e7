using System.Buffers;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using IoTFireAlert.Ingestion.Decoders;
using IoTFireAlert.Ingestion.Encoders;
using IoTFireAlert.Ingestion.Readings;
using IoTFireAlert.Ingestion.Tests.Decoders;

namespace IoTFireAlert.Ingestion.Tests.Encoders;

public sealed class CanonicalJsonEncoderTests
{
    [Fact]
    public void Write_ElectricalReport_MatchesTheContractExample()
    {
        using var encoder = new CanonicalJsonEncoder();
        var output = new ArrayBufferWriter<byte>();
        var header = new DeviceReport { Kind = DeviceKind.ElectricalFireMonitor, TimestampUnixMs = 1732250000000, Sequence = 42, Flags = ReportFlags.HasSequence | ReportFlags.HasTimestamp };

        encoder.Write(output, header, [new(Signal.ResidualCurrentMilliamps, 85), new(Signal.CableTemperatureCelsius, 41.5, 1), new(Signal.CableTemperatureCelsius, 40.2, 2), new(Signal.SmokeAlarm, 0)]);

        Assert.Equal(
            """{"v":1,"ts":1732250000000,"seq":42,"kind":"electrical_fire","smoke":false,"residual_current_ma":85,"cable_temp_c":[41.5,40.2]}""",
            Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void WriteThenDecode_RandomReports_RoundTrip()
    {
        Signal[] signals =
        [
            Signal.SmokeAlarm, Signal.FireAlarm, Signal.ManualCallPointPressed, Signal.HeatAlarm, Signal.GasAlarm, Signal.Tamper, Signal.Fault,
            Signal.BatteryPercent, Signal.ResidualCurrentMilliamps, Signal.CableTemperatureCelsius, Signal.VoltageVolts, Signal.CurrentAmps,
            Signal.TemperatureCelsius, Signal.PortTemperatureCelsius, Signal.PortPowerWatts, Signal.PileLeakageMilliamps, Signal.GasLelPercent,
            Signal.SmokeDensityDbPerMetre, Signal.SignalStrengthDbm,
        ];
        using var encoder = new CanonicalJsonEncoder();
        var decoder = new CanonicalJsonDecoder();
        Prop.ForAll(ArbMap.Default.ArbFor<(byte Signal, byte Channel, int Value)[]>(), raw =>
        {
            // One reading per (signal, channel); flags carry 0/1 on channel 0; port signals need a port.
            var readings = (raw ?? [])
                .Select(r =>
                {
                    var signal = signals[r.Signal % signals.Length];
                    var flag = CanonicalJsonSchema.IsFlag(signal);
                    var channel = flag ? (byte)0 : (byte)(r.Channel % 5);
                    if (channel == 0 && signal is Signal.PortTemperatureCelsius or Signal.PortPowerWatts)
                    {
                        channel = 1;
                    }

                    return new Reading(signal, flag ? r.Value & 1 : r.Value / 100.0, channel);
                })
                .DistinctBy(r => (r.Signal, r.Channel))
                .ToList();
            // A top-level field is either a scalar (channel 0) or an array (channels 1..n), not both.
            readings.RemoveAll(r => r.Channel == 0 && r.Signal != Signal.PileLeakageMilliamps && readings.Any(o => o.Signal == r.Signal && o.Channel > 0));
            var output = new ArrayBufferWriter<byte>();
            var header = new DeviceReport { Kind = DeviceKind.ChargingPile, Flags = ReportFlags.Test };
            encoder.Write(output, header, readings.ToArray());

            var report = Assert.Single(DecodedReport.DecodeOk(decoder, "d", output.WrittenSpan));
            var expected = readings.OrderBy(r => r.Signal).ThenBy(r => r.Channel).ToArray();
            var actual = report.Readings.OrderBy(r => r.Signal).ThenBy(r => r.Channel).ToArray();
            return expected.SequenceEqual(actual) && report.Report.Flags == ReportFlags.Test;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500));
    }
}
