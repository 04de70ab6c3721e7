using System.Buffers.Binary;
using IoTFireAlert.Ingestion.Readings;

namespace IoTFireAlert.Ingestion.Decoders;

/// <summary>
/// Decodes "tlv-v1", the compact big-endian format of NB-IoT detectors (docs/vendor-contract.md).
/// The CRC is checked before any item is read; unknown item types are skipped by their length so
/// firmware can add items before the server reads them.
/// </summary>
public sealed class TlvDecoder : IPayloadDecoder
{
    public const string FormatName = "tlv-v1";

    public const string TooShort = "frame shorter than header and CRC (15 bytes)";
    public const string BadMagic = "bad magic: a tlv-v1 frame starts with 'F' 'A' (0x46 0x41)";
    public const string UnsupportedVersion = "unsupported tlv-v1 version (expected 1)";
    public const string BadCrc = "CRC-16/CCITT-FALSE mismatch";
    public const string TruncatedItem = "TLV item header truncated (needs type and length)";
    public const string ItemPastEnd = "TLV item runs past the end of the frame";
    public const string BadItemLength = "TLV length does not match its type";
    public const string BadPort = "charging port number must be 1-255";

    private static readonly Signal[] s_flagSignals =
    [
        Signal.SmokeAlarm, Signal.FireAlarm, Signal.ManualCallPointPressed, Signal.HeatAlarm,
        Signal.GasAlarm, Signal.Tamper, Signal.Fault,
    ];

    public string Format => FormatName;

    public bool TryDecode(ReadOnlySpan<char> topicDeviceId, ReadOnlySpan<byte> payload, DecodedBatch output, out DecodeError error)
    {
        if (payload.Length < TlvFormat.MinimumLength)
        {
            error = new DecodeError(TooShort, payload.Length);
            return false;
        }

        if (payload[0] != TlvFormat.Magic0 || payload[1] != TlvFormat.Magic1)
        {
            error = new DecodeError(BadMagic, 0);
            return false;
        }

        if (payload[2] != TlvFormat.Version)
        {
            error = new DecodeError(UnsupportedVersion, 2);
            return false;
        }

        var body = payload[..^TlvFormat.CrcLength];
        if (Crc16CcittFalse.Compute(body) != BinaryPrimitives.ReadUInt16BigEndian(payload[^TlvFormat.CrcLength..]))
        {
            error = new DecodeError(BadCrc, body.Length);
            return false;
        }

        ref var report = ref output.BeginReport(topicDeviceId);
        report.Kind = payload[3] is > 0 and <= (byte)DeviceKind.GasDetector ? (DeviceKind)payload[3] : DeviceKind.Unknown;
        var flags = payload[4];
        report.Flags = ReportFlags.HasSequence
            | ((flags & TlvFormat.FlagTest) != 0 ? ReportFlags.Test : 0)
            | ((flags & TlvFormat.FlagHeartbeat) != 0 ? ReportFlags.Heartbeat : 0);
        report.Sequence = BinaryPrimitives.ReadUInt32BigEndian(payload[5..]);
        var seconds = BinaryPrimitives.ReadUInt32BigEndian(payload[9..]);
        if (seconds != 0)
        {
            report.TimestampUnixMs = seconds * 1000L;
            report.Flags |= ReportFlags.HasTimestamp;
        }

        var offset = TlvFormat.HeaderLength;
        while (offset < body.Length)
        {
            if (offset + 2 > body.Length)
            {
                error = new DecodeError(TruncatedItem, offset);
                return false;
            }

            var type = body[offset];
            int length = body[offset + 1];
            if (offset + 2 + length > body.Length)
            {
                error = new DecodeError(ItemPastEnd, offset);
                return false;
            }

            var expected = TlvFormat.ValueLength(type);
            if (expected >= 0 && expected != length)
            {
                error = new DecodeError(BadItemLength, offset);
                return false;
            }

            var value = body.Slice(offset + 2, length);
            if (expected >= 0 && !ReadItem(type, value, output))
            {
                error = new DecodeError(BadPort, offset + 2);
                return false;
            }

            offset += 2 + length;
        }

        error = default;
        return true;
    }

    private static bool ReadItem(byte type, ReadOnlySpan<byte> value, DecodedBatch output)
    {
        switch (type)
        {
            case TlvFormat.AlarmStatus:
                var mask = value[0];
                var state = value[1];
                for (var bit = 0; bit < s_flagSignals.Length; bit++)
                {
                    if ((mask & (1 << bit)) != 0)
                    {
                        output.Add(new Reading(s_flagSignals[bit], (state >> bit) & 1));
                    }
                }

                return true;
            case TlvFormat.BatteryPercent:
                output.Add(new Reading(Signal.BatteryPercent, value[0]));
                return true;
            case TlvFormat.ResidualCurrent:
                output.Add(new Reading(Signal.ResidualCurrentMilliamps, BinaryPrimitives.ReadUInt16BigEndian(value)));
                return true;
            case TlvFormat.CableTemperature:
                output.Add(new Reading(Signal.CableTemperatureCelsius, BinaryPrimitives.ReadInt16BigEndian(value[1..]) / 10.0, value[0]));
                return true;
            case TlvFormat.Voltage:
                output.Add(new Reading(Signal.VoltageVolts, BinaryPrimitives.ReadUInt16BigEndian(value[1..]) / 10.0, value[0]));
                return true;
            case TlvFormat.Current:
                output.Add(new Reading(Signal.CurrentAmps, BinaryPrimitives.ReadInt16BigEndian(value[1..]) / 10.0, value[0]));
                return true;
            case TlvFormat.Temperature:
                output.Add(new Reading(Signal.TemperatureCelsius, BinaryPrimitives.ReadInt16BigEndian(value) / 10.0));
                return true;
            case TlvFormat.PortTemperature:
                if (value[0] == 0)
                {
                    return false;
                }

                output.Add(new Reading(Signal.PortTemperatureCelsius, BinaryPrimitives.ReadInt16BigEndian(value[1..]) / 10.0, value[0]));
                return true;
            case TlvFormat.GasLel:
                output.Add(new Reading(Signal.GasLelPercent, BinaryPrimitives.ReadUInt16BigEndian(value) / 10.0));
                return true;
            case TlvFormat.SignalStrength:
                output.Add(new Reading(Signal.SignalStrengthDbm, (sbyte)value[0]));
                return true;
            case TlvFormat.SmokeDensity:
                output.Add(new Reading(Signal.SmokeDensityDbPerMetre, BinaryPrimitives.ReadUInt16BigEndian(value) / 1000.0));
                return true;
            case TlvFormat.PileLeakage:
                output.Add(new Reading(Signal.PileLeakageMilliamps, BinaryPrimitives.ReadUInt16BigEndian(value[1..]), value[0]));
                return true;
            case TlvFormat.PortPower:
                if (value[0] == 0)
                {
                    return false;
                }

                output.Add(new Reading(Signal.PortPowerWatts, BinaryPrimitives.ReadUInt32BigEndian(value[1..]), value[0]));
                return true;
            default:
                return true;
        }
    }
}
