using System.Buffers.Binary;
using IoTFireAlert.Ingestion.Readings;

namespace IoTFireAlert.Ingestion.Decoders;

/// <summary>
/// Decodes GB/T 26875.3-2011 frames that user-information transmission devices publish as MQTT
/// payloads. Every component in a "send data" frame becomes its own report, with device id
/// <c>{topicDeviceId}-{componentAddress}</c> (decimal); the transmission device's own running
/// state (type 21) reports as <c>{topicDeviceId}</c> and a system state (type 1) as
/// <c>{topicDeviceId}-sys{systemAddress}</c>. Control frames (confirm, request, deny...) decode
/// to no report. The frame is fully checked (length, markers, checksum) before any object is read.
/// </summary>
public sealed class Gbt26875Decoder : IPayloadDecoder
{
    public const string FormatName = "gbt26875";

    public const string TooShort = "frame shorter than the 30-byte GB/T 26875.3 minimum";
    public const string BadStart = "frame must start with \"@@\"";
    public const string BadLength = "application data length does not match the frame length";
    public const string BadEnd = "frame must end with \"##\"";
    public const string BadChecksum = "checksum mismatch (sum of serial number through data unit, mod 256)";
    public const string BadTimeLabel = "invalid time label (s, min, h, d, mon, yy)";
    public const string TruncatedDataUnit = "data unit shorter than its type flag and object count";
    public const string BadObjectCount = "object count does not match the data unit length for this type";

    private readonly TimeSpan _utcOffset;

    /// <param name="timeLabelUtcOffset">The devices' local time zone; China Standard Time (UTC+8) when null.</param>
    public Gbt26875Decoder(TimeSpan? timeLabelUtcOffset = null)
    {
        _utcOffset = timeLabelUtcOffset ?? TimeSpan.FromHours(8);
    }

    public string Format => FormatName;

    public bool TryDecode(ReadOnlySpan<char> topicDeviceId, ReadOnlySpan<byte> payload, DecodedBatch output, out DecodeError error)
    {
        if (payload.Length < Gbt26875.FrameOverhead)
        {
            return Fail(TooShort, payload.Length, out error);
        }

        if (payload[0] != '@' || payload[1] != '@')
        {
            return Fail(BadStart, 0, out error);
        }

        int dataLength = BinaryPrimitives.ReadUInt16LittleEndian(payload[24..]);
        if (dataLength != payload.Length - Gbt26875.FrameOverhead)
        {
            return Fail(BadLength, 24, out error);
        }

        var checksumAt = Gbt26875.HeaderLength + dataLength;
        if (payload[checksumAt + 1] != '#' || payload[checksumAt + 2] != '#')
        {
            return Fail(BadEnd, checksumAt + 1, out error);
        }

        byte sum = 0;
        foreach (var b in payload[2..checksumAt])
        {
            sum += b;
        }

        if (sum != payload[checksumAt])
        {
            return Fail(BadChecksum, checksumAt, out error);
        }

        if (!Gbt26875TimeLabel.TryRead(payload[6..], _utcOffset, out var frameTime, out var hasFrameTime))
        {
            return Fail(BadTimeLabel, 6, out error);
        }

        if (payload[26] != Gbt26875.CommandSendData)
        {
            // Confirm / request / deny / control frames carry no state of a device.
            error = default;
            return true;
        }

        var header = new FrameContext(topicDeviceId, BinaryPrimitives.ReadUInt16LittleEndian(payload[2..]), frameTime, hasFrameTime);
        var data = payload.Slice(Gbt26875.HeaderLength, dataLength);
        if (data.Length < 2)
        {
            if (data.Length == 1)
            {
                return Fail(TruncatedDataUnit, Gbt26875.HeaderLength, out error);
            }

            BeginTransmissionDeviceReport(output, header, frameTime, hasFrameTime).Flags |= ReportFlags.Heartbeat;
            error = default;
            return true;
        }

        var type = data[0];
        int count = data[1];
        var size = type switch
        {
            Gbt26875.TypeSystemState => Gbt26875.SystemStateSize,
            Gbt26875.TypeComponentState => Gbt26875.ComponentStateSize,
            Gbt26875.TypeComponentAnalog => Gbt26875.ComponentAnalogSize,
            Gbt26875.TypeTransmissionDeviceState => Gbt26875.TransmissionDeviceStateSize,
            _ => -1,
        };
        if (size < 0)
        {
            // A type this server does not read (operation records, versions, configuration...):
            // still proof that the transmission device is alive.
            BeginTransmissionDeviceReport(output, header, frameTime, hasFrameTime).Flags |= ReportFlags.Heartbeat;
            error = default;
            return true;
        }

        if (count * size != data.Length - 2)
        {
            return Fail(BadObjectCount, Gbt26875.HeaderLength + 1, out error);
        }

        ulong lastComponent = ulong.MaxValue;
        for (var i = 0; i < count; i++)
        {
            var objectOffset = 2 + (i * size);
            var obj = data.Slice(objectOffset, size);
            if (!Gbt26875TimeLabel.TryRead(obj[^Gbt26875TimeLabel.Length..], _utcOffset, out var time, out var hasTime))
            {
                return Fail(BadTimeLabel, Gbt26875.HeaderLength + objectOffset + size - Gbt26875TimeLabel.Length, out error);
            }

            if (!hasTime)
            {
                time = frameTime;
                hasTime = hasFrameTime;
            }

            switch (type)
            {
                case Gbt26875.TypeComponentState:
                    ReadComponentState(obj, header, time, hasTime, output, ref lastComponent);
                    break;
                case Gbt26875.TypeComponentAnalog:
                    ReadComponentAnalog(obj, header, time, hasTime, output, ref lastComponent);
                    break;
                case Gbt26875.TypeSystemState:
                    ReadSystemState(obj, header, time, hasTime, output);
                    break;
                default:
                    ReadTransmissionDeviceState(obj, header, time, hasTime, output);
                    break;
            }
        }

        error = default;
        return true;
    }

    private static void ReadComponentState(ReadOnlySpan<byte> obj, in FrameContext frame, long time, bool hasTime, DecodedBatch output, ref ulong lastComponent)
    {
        var componentType = obj[2];
        var state = BinaryPrimitives.ReadUInt16LittleEndian(obj[7..]);
        ref var report = ref ComponentReport(obj, frame, time, hasTime, output, ref lastComponent);
        if ((state & Gbt26875.StateNormal) == 0)
        {
            report.Flags |= ReportFlags.Test;
        }

        report.Kind = KindOf(componentType);
        output.Add(new Reading(Signal.FireAlarm, (state & Gbt26875.StateFire) != 0 ? 1 : 0));
        output.Add(new Reading(Signal.Fault, (state & Gbt26875.StateFault) != 0 ? 1 : 0));
    }

    private static void ReadComponentAnalog(ReadOnlySpan<byte> obj, in FrameContext frame, long time, bool hasTime, DecodedBatch output, ref ulong lastComponent)
    {
        var componentType = obj[2];
        var analogType = obj[7];
        var raw = BinaryPrimitives.ReadInt16LittleEndian(obj[8..]);
        ref var report = ref ComponentReport(obj, frame, time, hasTime, output, ref lastComponent);
        report.Kind = KindOf(componentType);
        switch (analogType)
        {
            case Gbt26875.AnalogTemperature:
                var temperatureSignal = componentType is Gbt26875.ComponentTemperatureElectricalMonitor or Gbt26875.ComponentElectricalFireMonitor
                    ? Signal.CableTemperatureCelsius
                    : Signal.TemperatureCelsius;
                output.Add(new Reading(temperatureSignal, raw / 10.0));
                break;
            case Gbt26875.AnalogCurrent:
                // A residual-current monitor's current is its leakage: report it in mA.
                output.Add(componentType == Gbt26875.ComponentResidualCurrentMonitor
                    ? new Reading(Signal.ResidualCurrentMilliamps, raw * 100.0)
                    : new Reading(Signal.CurrentAmps, raw / 10.0));
                break;
            case Gbt26875.AnalogVoltage:
                output.Add(new Reading(Signal.VoltageVolts, raw / 10.0));
                break;
            case Gbt26875.AnalogGasConcentration:
                output.Add(new Reading(Signal.GasLelPercent, raw / 10.0));
                break;
            default:
                break;
        }
    }

    private static void ReadSystemState(ReadOnlySpan<byte> obj, in FrameContext frame, long time, bool hasTime, DecodedBatch output)
    {
        var state = BinaryPrimitives.ReadUInt16LittleEndian(obj[2..]);
        var id = output.DeviceIdScratch(frame.TopicDeviceId.Length + 7);
        frame.TopicDeviceId.CopyTo(id);
        var length = frame.TopicDeviceId.Length;
        "-sys".CopyTo(id[length..]);
        length += 4;
        obj[1].TryFormat(id[length..], out var written);
        ref var report = ref output.BeginReport(length + written);
        Stamp(ref report, frame, time, hasTime);
        if ((state & Gbt26875.StateNormal) == 0)
        {
            report.Flags |= ReportFlags.Test;
        }

        output.Add(new Reading(Signal.FireAlarm, (state & Gbt26875.StateFire) != 0 ? 1 : 0));
        output.Add(new Reading(Signal.Fault, (state & Gbt26875.StateFault) != 0 ? 1 : 0));
    }

    private static void ReadTransmissionDeviceState(ReadOnlySpan<byte> obj, in FrameContext frame, long time, bool hasTime, DecodedBatch output)
    {
        var state = obj[0];
        ref var report = ref BeginTransmissionDeviceReport(output, frame, time, hasTime);
        if ((state & 0x01) == 0)
        {
            report.Flags |= ReportFlags.Test;
        }

        // Bits 2-6: fault, main power, backup power, link to the monitoring centre, link to the panel.
        output.Add(new Reading(Signal.FireAlarm, (state & 0x02) != 0 ? 1 : 0));
        output.Add(new Reading(Signal.Fault, (state & 0x7C) != 0 ? 1 : 0));
    }

    private static ref DeviceReport BeginTransmissionDeviceReport(DecodedBatch output, in FrameContext frame, long time, bool hasTime)
    {
        ref var report = ref output.BeginReport(frame.TopicDeviceId);
        Stamp(ref report, frame, time, hasTime);
        return ref report;
    }

    /// <summary>Starts the component's report, or continues it when the previous object was the same component.</summary>
    private static ref DeviceReport ComponentReport(ReadOnlySpan<byte> obj, in FrameContext frame, long time, bool hasTime, DecodedBatch output, ref ulong lastComponent)
    {
        var address = BinaryPrimitives.ReadUInt32LittleEndian(obj[3..]);
        var key = ((ulong)obj[0] << 48) | ((ulong)obj[1] << 40) | address;
        if (key == lastComponent)
        {
            return ref output[output.Count - 1];
        }

        lastComponent = key;
        var id = output.DeviceIdScratch(frame.TopicDeviceId.Length + 11);
        frame.TopicDeviceId.CopyTo(id);
        id[frame.TopicDeviceId.Length] = '-';
        address.TryFormat(id[(frame.TopicDeviceId.Length + 1)..], out var written);
        ref var report = ref output.BeginReport(frame.TopicDeviceId.Length + 1 + written);
        Stamp(ref report, frame, time, hasTime);
        return ref report;
    }

    private static void Stamp(ref DeviceReport report, in FrameContext frame, long time, bool hasTime)
    {
        report.Sequence = frame.Serial;
        report.Flags |= ReportFlags.HasSequence;
        if (hasTime)
        {
            report.TimestampUnixMs = time;
            report.Flags |= ReportFlags.HasTimestamp;
        }
    }

    private static DeviceKind KindOf(byte componentType) => componentType switch
    {
        >= Gbt26875.ComponentSmokeDetectorFirst and <= Gbt26875.ComponentSmokeDetectorLast => DeviceKind.SmokeDetector,
        >= Gbt26875.ComponentHeatDetectorFirst and <= Gbt26875.ComponentHeatDetectorLast => DeviceKind.HeatDetector,
        Gbt26875.ComponentManualCallPoint => DeviceKind.ManualCallPoint,
        Gbt26875.ComponentElectricalFireMonitor or Gbt26875.ComponentResidualCurrentMonitor
            or Gbt26875.ComponentTemperatureElectricalMonitor => DeviceKind.ElectricalFireMonitor,
        Gbt26875.ComponentCombustibleGasDetector or Gbt26875.ComponentPointGasDetector => DeviceKind.GasDetector,
        _ => DeviceKind.Unknown,
    };

    private static bool Fail(string reason, int offset, out DecodeError error)
    {
        error = new DecodeError(reason, offset);
        return false;
    }

    private readonly ref struct FrameContext(ReadOnlySpan<char> topicDeviceId, ushort serial, long time, bool hasTime)
    {
        public readonly ReadOnlySpan<char> TopicDeviceId = topicDeviceId;
        public readonly ushort Serial = serial;
        public readonly long Time = time;
        public readonly bool HasTime = hasTime;
    }
}
