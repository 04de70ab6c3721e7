using IoTFireAlert.Ingestion.Decoders;
using IoTFireAlert.Ingestion.Encoders;
using IoTFireAlert.Ingestion.Readings;

namespace IoTFireAlert.Ingestion.Tests.Decoders;

public sealed class Gbt26875DecoderTests
{
    // 2024-11-22 12:33:20 UTC = 20:33:20 China Standard Time.
    private const long Time = 1_732_278_800_000;

    // Hand-built "send data" frame: serial 0x0102, version 1.0, time label 20:33:20 22 Nov 2024,
    // one component state object: system 1/1, component type 42 (point photoelectric smoke),
    // address 3001 (0x00000BB9), state 0x0003 (normal + fire), description zeros, time label.
    private static readonly byte[] s_smokeFireFrame = BuildFrame();

    private readonly Gbt26875Decoder _decoder = new();
    private readonly Gbt26875FrameEncoder _encoder = new();

    [Fact]
    public void TryDecode_HandBuiltFireFrame_OneSmokeDetectorReportInFire()
    {
        var report = Assert.Single(DecodedReport.DecodeOk(_decoder, "uitd-9", s_smokeFireFrame));

        Assert.Equal("uitd-9-3001", report.DeviceId);
        Assert.Equal(DeviceKind.SmokeDetector, report.Report.Kind);
        Assert.Equal(0x0102u, report.Report.Sequence);
        Assert.Equal(Time, report.Report.TimestampUnixMs);
        Assert.Equal(ReportFlags.HasSequence | ReportFlags.HasTimestamp, report.Report.Flags);
        Assert.Equal(new[] { new Reading(Signal.FireAlarm, 1), new Reading(Signal.Fault, 0) }, report.Readings);
    }

    [Fact]
    public void TryDecode_AnalogFrame_ResidualCurrentInMilliampsAndCableTemperatureMergedPerComponent()
    {
        var header = new Gbt26875FrameHeader(7, Gbt26875.CommandSendData, Time);
        Gbt26875AnalogValue[] values =
        [
            new(1, 1, Gbt26875.ComponentResidualCurrentMonitor, 11, Gbt26875.AnalogCurrent, 3, Time), // 0.3 A -> 300 mA
            new(1, 1, Gbt26875.ComponentTemperatureElectricalMonitor, 12, Gbt26875.AnalogTemperature, 815, Time),
            new(1, 1, Gbt26875.ComponentTemperatureElectricalMonitor, 12, Gbt26875.AnalogVoltage, 2205, Time),
            new(1, 1, 31, 13, Gbt26875.AnalogTemperature, -52, Time),
        ];
        var frame = new byte[Gbt26875FrameEncoder.FrameLength(values.Length, Gbt26875.ComponentAnalogSize)];
        var length = _encoder.WriteAnalogValues(frame, header, values);

        var reports = DecodedReport.DecodeOk(_decoder, "t", frame.AsSpan(0, length));

        Assert.Equal(["t-11", "t-12", "t-13"], reports.Select(r => r.DeviceId));
        Assert.Equal([new Reading(Signal.ResidualCurrentMilliamps, 300)], reports[0].Readings);
        Assert.Equal([new Reading(Signal.CableTemperatureCelsius, 81.5), new Reading(Signal.VoltageVolts, 220.5)], reports[1].Readings);
        Assert.Equal([new Reading(Signal.TemperatureCelsius, -5.2)], reports[2].Readings);
        Assert.Equal(DeviceKind.HeatDetector, reports[2].Report.Kind);
    }

    [Fact]
    public void TryDecode_SystemAndTransmissionDeviceStates_ReportedUnderTheirIds()
    {
        var header = new Gbt26875FrameHeader(8, Gbt26875.CommandSendData, Time);
        var frame = new byte[256];
        var length = _encoder.WriteSystemStates(frame, header, [new Gbt26875SystemState(1, 2, 0x0005, Time)]);
        var system = Assert.Single(DecodedReport.DecodeOk(_decoder, "t", frame.AsSpan(0, length)));

        length = _encoder.WriteTransmissionDeviceStates(frame, header, [new Gbt26875TransmissionDeviceState(0x09, 0)]);
        var device = Assert.Single(DecodedReport.DecodeOk(_decoder, "t", frame.AsSpan(0, length)));

        Assert.Equal("t-sys2", system.DeviceId);
        Assert.Equal([new Reading(Signal.FireAlarm, 0), new Reading(Signal.Fault, 1)], system.Readings);
        Assert.Equal("t", device.DeviceId);
        Assert.Equal([new Reading(Signal.FireAlarm, 0), new Reading(Signal.Fault, 1)], device.Readings); // main power fault
        Assert.Equal(Time, device.Report.TimestampUnixMs); // object label all zero: frame time used
    }

    [Fact]
    public void TryDecode_ControlFrameAndUnknownType_NoComponentReports()
    {
        var frame = new byte[64];
        var length = _encoder.WriteControl(frame, new Gbt26875FrameHeader(9, Gbt26875.CommandConfirm, Time));
        Assert.Empty(DecodedReport.DecodeOk(_decoder, "t", frame.AsSpan(0, length)));

        length = _encoder.WriteControl(frame, new Gbt26875FrameHeader(9, Gbt26875.CommandSendData, Time));
        var alive = Assert.Single(DecodedReport.DecodeOk(_decoder, "t", frame.AsSpan(0, length)));
        Assert.Equal(ReportFlags.Heartbeat, alive.Report.Flags & ReportFlags.Heartbeat);
    }

    [Fact]
    public void TryDecode_EveryTruncation_FailsCleanly()
    {
        for (var length = 0; length < s_smokeFireFrame.Length; length++)
        {
            var batch = new DecodedBatch();
            Assert.False(_decoder.TryDecode("d", s_smokeFireFrame.AsSpan(0, length), batch, out var error), $"length {length}");
            Assert.InRange(error.Offset, 0, length);
        }
    }

    [Fact]
    public void TryDecode_AnyChangedByteBeforeChecksum_Rejected()
    {
        for (var i = 0; i < s_smokeFireFrame.Length; i++)
        {
            var copy = (byte[])s_smokeFireFrame.Clone();
            copy[i] ^= 0x01;
            Assert.False(_decoder.TryDecode("d", copy, new DecodedBatch(), out var error), $"byte {i}");
            Assert.False(string.IsNullOrEmpty(error.Reason));
        }
    }

    [Theory]
    [InlineData(0, Gbt26875Decoder.BadStart, 0)]
    [InlineData(24, Gbt26875Decoder.BadLength, 24)]
    [InlineData(-3, Gbt26875Decoder.BadChecksum, -3)]
    [InlineData(-1, Gbt26875Decoder.BadEnd, -2)]
    public void TryDecode_BrokenField_FixedReasonAndOffset(int index, string reason, int offset)
    {
        var copy = (byte[])s_smokeFireFrame.Clone();
        copy[index < 0 ? copy.Length + index : index] ^= 0x10;

        var error = DecodedReport.DecodeFails(_decoder, copy);

        Assert.Equal((reason, offset < 0 ? copy.Length + offset : offset), (error.Reason, error.Offset));
    }

    [Fact]
    public void TryDecode_ObjectCountDisagreesWithLength_Rejected()
    {
        var copy = (byte[])s_smokeFireFrame.Clone();
        copy[28] = 2; // count 2, data for 1
        copy[^3] += 1; // keep the checksum right

        Assert.Equal(Gbt26875Decoder.BadObjectCount, DecodedReport.DecodeFails(_decoder, copy).Reason);
    }

    [Fact]
    public void TryDecode_InvalidTimeLabel_Rejected()
    {
        var copy = (byte[])s_smokeFireFrame.Clone();
        copy[10] = 13; // month 13
        copy[^3] += 2;

        Assert.Equal((Gbt26875Decoder.BadTimeLabel, 6), (DecodedReport.DecodeFails(_decoder, copy).Reason, DecodedReport.DecodeFails(_decoder, copy).Offset));
    }

    [Fact]
    public void TryDecode_ManyComponents_OneReportEachNoAllocationInSteadyState()
    {
        var objects = Enumerable.Range(1, 20).Select(i => new Gbt26875ComponentState(1, 1, Gbt26875.ComponentManualCallPoint, (uint)(i * 1000), 0x0001, Time)).ToArray();
        var frame = new byte[Gbt26875FrameEncoder.FrameLength(objects.Length, Gbt26875.ComponentStateSize)];
        var length = _encoder.WriteComponentStates(frame, new Gbt26875FrameHeader(1, Gbt26875.CommandSendData, Time), objects);
        var batch = new DecodedBatch();
        for (var i = 0; i < 10; i++)
        {
            batch.Clear();
            Assert.True(_decoder.TryDecode("uitd", frame.AsSpan(0, length), batch, out _));
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        batch.Clear();
        _decoder.TryDecode("uitd", frame.AsSpan(0, length), batch, out _);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        var reports = DecodedReport.Copy(batch);
        Assert.Equal(objects.Select(o => "uitd-" + o.ComponentAddress), reports.Select(r => r.DeviceId));
        Assert.All(reports, r => Assert.Equal(DeviceKind.ManualCallPoint, r.Report.Kind));
    }

    private static byte[] BuildFrame()
    {
        byte[] label = [20, 33, 20, 22, 11, 24];
        var data = new List<byte> { 2, 1, 1, 1, 42, 0xB9, 0x0B, 0x00, 0x00, 0x03, 0x00 };
        data.AddRange(new byte[31]);
        data.AddRange(label);
        var frame = new List<byte> { (byte)'@', (byte)'@', 0x02, 0x01, 1, 0 };
        frame.AddRange(label);
        frame.AddRange([1, 2, 3, 4, 5, 6, 0, 0, 0, 0, 0, 0]);
        frame.AddRange([(byte)data.Count, 0, 2]);
        frame.AddRange(data);
        byte sum = 0;
        foreach (var b in frame.Skip(2))
        {
            sum += b;
        }

        frame.AddRange([sum, (byte)'#', (byte)'#']);
        return [.. frame];
    }
}
