using System.Buffers;
using System.Buffers.Binary;
using IoTFireAlert.Ingestion.Decoders;
using IoTFireAlert.Ingestion.Readings;

namespace IoTFireAlert.Ingestion.Encoders;

/// <summary>
/// Writes "tlv-v1" frames: what NB-IoT simulators publish and what tests decode. Values are
/// scaled to the format's fixed-point units (rounded) and clamped to the field's range.
/// Readings the format cannot carry (e.g. <see cref="Signal.PortTemperatureCelsius"/> on port 0) throw.
/// </summary>
public static class TlvEncoder
{
    /// <summary>An upper bound of the frame size for <paramref name="readingCount"/> readings.</summary>
    public static int MaxLength(int readingCount) => TlvFormat.MinimumLength + 4 + (readingCount * 7);

    public static void Write(IBufferWriter<byte> output, in DeviceReport header, ReadOnlySpan<Reading> readings)
    {
        var span = output.GetSpan(MaxLength(readings.Length));
        output.Advance(Write(span, header, readings));
    }

    /// <summary>Writes the frame into <paramref name="destination"/> (at least <see cref="MaxLength"/>) and returns its length.</summary>
    public static int Write(Span<byte> destination, in DeviceReport header, ReadOnlySpan<Reading> readings)
    {
        destination[0] = TlvFormat.Magic0;
        destination[1] = TlvFormat.Magic1;
        destination[2] = TlvFormat.Version;
        destination[3] = (byte)header.Kind;
        destination[4] = (byte)(((header.Flags & ReportFlags.Test) != 0 ? TlvFormat.FlagTest : 0)
            | ((header.Flags & ReportFlags.Heartbeat) != 0 ? TlvFormat.FlagHeartbeat : 0));
        BinaryPrimitives.WriteUInt32BigEndian(destination[5..], header.Sequence);
        BinaryPrimitives.WriteUInt32BigEndian(destination[9..], (header.Flags & ReportFlags.HasTimestamp) != 0 ? (uint)(header.TimestampUnixMs / 1000) : 0);
        var offset = TlvFormat.HeaderLength;

        byte mask = 0, state = 0;
        foreach (var r in readings)
        {
            var bit = FlagBit(r.Signal);
            if (bit >= 0)
            {
                mask |= (byte)(1 << bit);
                state = r.Value != 0 ? (byte)(state | (1 << bit)) : (byte)(state & ~(1 << bit));
            }
        }

        if (mask != 0)
        {
            offset += Item(destination[offset..], TlvFormat.AlarmStatus, 2);
            destination[offset - 2] = mask;
            destination[offset - 1] = state;
        }

        foreach (var r in readings)
        {
            var d = destination[offset..];
            switch (r.Signal)
            {
                case Signal.BatteryPercent:
                    offset += Item(d, TlvFormat.BatteryPercent, 1);
                    d[2] = (byte)Scale(r.Value, 1, 0, 255);
                    break;
                case Signal.ResidualCurrentMilliamps:
                    offset += Item(d, TlvFormat.ResidualCurrent, 2);
                    BinaryPrimitives.WriteUInt16BigEndian(d[2..], (ushort)Scale(r.Value, 1, 0, ushort.MaxValue));
                    break;
                case Signal.CableTemperatureCelsius:
                    offset += ChannelItem(d, TlvFormat.CableTemperature, r.Channel);
                    BinaryPrimitives.WriteInt16BigEndian(d[3..], (short)Scale(r.Value, 10, short.MinValue, short.MaxValue));
                    break;
                case Signal.VoltageVolts:
                    offset += ChannelItem(d, TlvFormat.Voltage, r.Channel);
                    BinaryPrimitives.WriteUInt16BigEndian(d[3..], (ushort)Scale(r.Value, 10, 0, ushort.MaxValue));
                    break;
                case Signal.CurrentAmps:
                    offset += ChannelItem(d, TlvFormat.Current, r.Channel);
                    BinaryPrimitives.WriteInt16BigEndian(d[3..], (short)Scale(r.Value, 10, short.MinValue, short.MaxValue));
                    break;
                case Signal.TemperatureCelsius:
                    offset += Item(d, TlvFormat.Temperature, 2);
                    BinaryPrimitives.WriteInt16BigEndian(d[2..], (short)Scale(r.Value, 10, short.MinValue, short.MaxValue));
                    break;
                case Signal.PortTemperatureCelsius:
                    offset += ChannelItem(d, TlvFormat.PortTemperature, RequirePort(r));
                    BinaryPrimitives.WriteInt16BigEndian(d[3..], (short)Scale(r.Value, 10, short.MinValue, short.MaxValue));
                    break;
                case Signal.PortPowerWatts:
                    offset += Item(d, TlvFormat.PortPower, 5);
                    d[2] = RequirePort(r);
                    BinaryPrimitives.WriteUInt32BigEndian(d[3..], (uint)Scale(r.Value, 1, 0, uint.MaxValue));
                    break;
                case Signal.PileLeakageMilliamps:
                    offset += ChannelItem(d, TlvFormat.PileLeakage, r.Channel);
                    BinaryPrimitives.WriteUInt16BigEndian(d[3..], (ushort)Scale(r.Value, 1, 0, ushort.MaxValue));
                    break;
                case Signal.GasLelPercent:
                    offset += Item(d, TlvFormat.GasLel, 2);
                    BinaryPrimitives.WriteUInt16BigEndian(d[2..], (ushort)Scale(r.Value, 10, 0, ushort.MaxValue));
                    break;
                case Signal.SignalStrengthDbm:
                    offset += Item(d, TlvFormat.SignalStrength, 1);
                    d[2] = (byte)(sbyte)Scale(r.Value, 1, sbyte.MinValue, sbyte.MaxValue);
                    break;
                case Signal.SmokeDensityDbPerMetre:
                    offset += Item(d, TlvFormat.SmokeDensity, 2);
                    BinaryPrimitives.WriteUInt16BigEndian(d[2..], (ushort)Scale(r.Value, 1000, 0, ushort.MaxValue));
                    break;
                default:
                    if (FlagBit(r.Signal) < 0)
                    {
                        throw new ArgumentException($"tlv-v1 cannot carry {r.Signal}.", nameof(readings));
                    }

                    break;
            }
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination[offset..], Crc16CcittFalse.Compute(destination[..offset]));
        return offset + TlvFormat.CrcLength;
    }

    private static int Item(Span<byte> d, byte type, byte length)
    {
        d[0] = type;
        d[1] = length;
        return 2 + length;
    }

    private static int ChannelItem(Span<byte> d, byte type, byte channel)
    {
        d[0] = type;
        d[1] = 3;
        d[2] = channel;
        return 5;
    }

    private static byte RequirePort(in Reading r) =>
        r.Channel != 0 ? r.Channel : throw new ArgumentException($"{r.Signal} needs a port number (channel 1-255).");

    private static double Scale(double value, double factor, double min, double max) =>
        Math.Clamp(Math.Round(value * factor, MidpointRounding.AwayFromZero), min, max);

    private static int FlagBit(Signal signal) => signal switch
    {
        Signal.SmokeAlarm => 0,
        Signal.FireAlarm => 1,
        Signal.ManualCallPointPressed => 2,
        Signal.HeatAlarm => 3,
        Signal.GasAlarm => 4,
        Signal.Tamper => 5,
        Signal.Fault => 6,
        _ => -1,
    };
}
