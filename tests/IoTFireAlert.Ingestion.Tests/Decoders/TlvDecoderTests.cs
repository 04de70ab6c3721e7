using System.Buffers.Binary;
using IoTFireAlert.Ingestion.Decoders;
using IoTFireAlert.Ingestion.Encoders;
using IoTFireAlert.Ingestion.Readings;

namespace IoTFireAlert.Ingestion.Tests.Decoders;

public sealed class TlvDecoderTests
{
    // Hand-built: 'F' 'A', v1, kind 3 (electrical), flags 0, seq 42, ts 1732250000 s,
    // residual 85 mA, cable temp phase 1 41.5 degC, alarm status mask 0x41 (smoke, fault) state 0x01,
    // an unknown item type 0x7F with 3 bytes (skipped), then the CRC.
    private static readonly byte[] s_vector = WithCrc(
    [
        0x46, 0x41, 0x01, 0x03, 0x00, 0x00, 0x00, 0x00, 0x2A, 0x67, 0x40, 0x09, 0x90,
        0x03, 0x02, 0x00, 0x55,
        0x04, 0x03, 0x01, 0x01, 0x9F,
        0x01, 0x02, 0x41, 0x01,
        0x7F, 0x03, 0xAA, 0xBB, 0xCC,
    ]);

    private readonly TlvDecoder _decoder = new();

    [Fact]
    public void Crc16CcittFalse_CheckValue_Matches()
    {
        Assert.Equal(0x29B1, Crc16CcittFalse.Compute("123456789"u8));
    }

    [Fact]
    public void TryDecode_HandBuiltVector_ReadsHeaderAndItems()
    {
        var report = Assert.Single(DecodedReport.DecodeOk(_decoder, "nb-1", s_vector));

        Assert.Equal(DeviceKind.ElectricalFireMonitor, report.Report.Kind);
        Assert.Equal(42u, report.Report.Sequence);
        Assert.Equal(1_732_250_000_000, report.Report.TimestampUnixMs);
        Assert.Equal(ReportFlags.HasSequence | ReportFlags.HasTimestamp, report.Report.Flags);
        Assert.Equal(
            new[]
            {
                new Reading(Signal.ResidualCurrentMilliamps, 85),
                new Reading(Signal.CableTemperatureCelsius, 41.5, 1),
                new Reading(Signal.SmokeAlarm, 1),
                new Reading(Signal.Fault, 0),
            },
            report.Readings);
    }

    [Fact]
    public void TryDecode_ExampleInVendorContract_Decodes()
    {
        var frame = Convert.FromHexString("4641010300000000 2A67400990 03020055 040301019F 01020100 ACA5".Replace(" ", "", StringComparison.Ordinal));

        var report = Assert.Single(DecodedReport.DecodeOk(_decoder, "nb", frame));

        Assert.Equal([new Reading(Signal.ResidualCurrentMilliamps, 85), new Reading(Signal.CableTemperatureCelsius, 41.5, 1), new Reading(Signal.SmokeAlarm, 0)], report.Readings);
    }

    [Fact]
    public void TryDecode_EveryTruncation_FailsCleanly()
    {
        for (var length = 0; length < s_vector.Length; length++)
        {
            var batch = new DecodedBatch();
            Assert.False(_decoder.TryDecode("d", s_vector.AsSpan(0, length), batch, out var error), $"length {length}");
            Assert.InRange(error.Offset, 0, length);
        }
    }

    [Fact]
    public void TryDecode_AnyFlippedBit_Rejected()
    {
        for (var i = 0; i < s_vector.Length; i++)
        {
            for (var bit = 0; bit < 8; bit++)
            {
                var copy = (byte[])s_vector.Clone();
                copy[i] ^= (byte)(1 << bit);
                Assert.False(_decoder.TryDecode("d", copy, new DecodedBatch(), out _), $"byte {i} bit {bit}");
            }
        }
    }

    [Theory]
    [InlineData(new byte[] { 0x46, 0x41, 0x01, 0x03, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0x03, 0x03, 0, 0, 0 }, TlvDecoder.BadItemLength, 13)]
    [InlineData(new byte[] { 0x46, 0x41, 0x01, 0x03, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0x7F, 0x09, 0, 0 }, TlvDecoder.ItemPastEnd, 13)]
    [InlineData(new byte[] { 0x46, 0x41, 0x01, 0x03, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0x02 }, TlvDecoder.TruncatedItem, 13)]
    [InlineData(new byte[] { 0x46, 0x41, 0x01, 0x04, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0x08, 0x03, 0, 0, 1 }, TlvDecoder.BadPort, 15)]
    [InlineData(new byte[] { 0x46, 0x41, 0x02, 0x03, 0, 0, 0, 0, 1, 0, 0, 0, 0 }, TlvDecoder.UnsupportedVersion, 2)]
    [InlineData(new byte[] { 0x41, 0x46, 0x01, 0x03, 0, 0, 0, 0, 1, 0, 0, 0, 0 }, TlvDecoder.BadMagic, 0)]
    public void TryDecode_BadStructureWithValidCrc_FixedReasonAndOffset(byte[] body, string reason, int offset)
    {
        var error = DecodedReport.DecodeFails(_decoder, WithCrc(body));

        Assert.Equal((reason, offset), (error.Reason, error.Offset));
    }

    [Fact]
    public void TryDecode_BadCrc_ReportsCrcOffset()
    {
        var copy = (byte[])s_vector.Clone();
        copy[^1] ^= 0xFF;

        Assert.Equal((TlvDecoder.BadCrc, copy.Length - 2), (DecodedReport.DecodeFails(_decoder, copy).Reason, DecodedReport.DecodeFails(_decoder, copy).Offset));
    }

    [Fact]
    public void Encode_EveryCarriedSignal_RoundTrips()
    {
        var header = new DeviceReport
        {
            Kind = DeviceKind.ChargingPile, Sequence = 7, TimestampUnixMs = 1_732_250_001_000,
            Flags = ReportFlags.HasSequence | ReportFlags.HasTimestamp | ReportFlags.Test | ReportFlags.Heartbeat,
        };
        Reading[] readings =
        [
            new(Signal.SmokeAlarm, 1), new(Signal.FireAlarm, 0), new(Signal.ManualCallPointPressed, 1), new(Signal.HeatAlarm, 0),
            new(Signal.GasAlarm, 1), new(Signal.Tamper, 1), new(Signal.Fault, 0),
            new(Signal.BatteryPercent, 90), new(Signal.ResidualCurrentMilliamps, 285), new(Signal.CableTemperatureCelsius, -12.5, 2),
            new(Signal.VoltageVolts, 221.4, 3), new(Signal.CurrentAmps, 12.1, 1), new(Signal.TemperatureCelsius, 57.3),
            new(Signal.PortTemperatureCelsius, 48.2, 1), new(Signal.PortPowerWatts, 650, 1), new(Signal.PileLeakageMilliamps, 3, 1),
            new(Signal.PileLeakageMilliamps, 12), new(Signal.GasLelPercent, 12.5), new(Signal.SignalStrengthDbm, -97), new(Signal.SmokeDensityDbPerMetre, 0.125),
        ];
        var frame = new byte[TlvEncoder.MaxLength(readings.Length)];
        var length = TlvEncoder.Write(frame, header, readings);

        var report = Assert.Single(DecodedReport.DecodeOk(_decoder, "p", frame.AsSpan(0, length)));

        Assert.Equal(header.Flags, report.Report.Flags);
        Assert.Equal((header.Kind, header.Sequence, header.TimestampUnixMs), (report.Report.Kind, report.Report.Sequence, report.Report.TimestampUnixMs));
        Assert.Equal(readings.OrderBy(r => r.Signal).ThenBy(r => r.Channel), report.Readings.OrderBy(r => r.Signal).ThenBy(r => r.Channel));
    }

    private static byte[] WithCrc(byte[] body)
    {
        var frame = new byte[body.Length + 2];
        body.CopyTo(frame, 0);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(body.Length), Crc16CcittFalse.Compute(body));
        return frame;
    }
}
