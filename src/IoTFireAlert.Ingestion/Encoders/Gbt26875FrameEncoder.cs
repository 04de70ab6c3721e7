using System.Buffers.Binary;
using IoTFireAlert.Ingestion.Decoders;

namespace IoTFireAlert.Ingestion.Encoders;

/// <summary>
/// Writes GB/T 26875.3-2011 frames (simulated transmission devices, test vectors). Each method
/// returns the frame length written into <c>destination</c>; size it with <see cref="FrameLength"/>.
/// </summary>
public sealed class Gbt26875FrameEncoder
{
    private readonly TimeSpan _utcOffset;

    /// <param name="timeLabelUtcOffset">The local time zone written into time labels; UTC+8 when null.</param>
    public Gbt26875FrameEncoder(TimeSpan? timeLabelUtcOffset = null)
    {
        _utcOffset = timeLabelUtcOffset ?? TimeSpan.FromHours(8);
    }

    public static int FrameLength(int objectCount, int objectSize) => Gbt26875.FrameOverhead + (objectCount == 0 ? 0 : 2 + (objectCount * objectSize));

    public int WriteComponentStates(Span<byte> destination, in Gbt26875FrameHeader header, ReadOnlySpan<Gbt26875ComponentState> objects)
    {
        var data = DataUnit(destination, Gbt26875.TypeComponentState, objects.Length, Gbt26875.ComponentStateSize);
        for (var i = 0; i < objects.Length; i++)
        {
            var o = objects[i];
            var d = data.Slice(i * Gbt26875.ComponentStateSize, Gbt26875.ComponentStateSize);
            d[0] = o.SystemType;
            d[1] = o.SystemAddress;
            d[2] = o.ComponentType;
            BinaryPrimitives.WriteUInt32LittleEndian(d[3..], o.ComponentAddress);
            BinaryPrimitives.WriteUInt16LittleEndian(d[7..], o.State);
            d.Slice(9, Gbt26875.DescriptionLength).Clear();
            Gbt26875TimeLabel.Write(d[40..], o.TimeUnixMs, _utcOffset);
        }

        return Finish(destination, header, 2 + (objects.Length * Gbt26875.ComponentStateSize));
    }

    public int WriteAnalogValues(Span<byte> destination, in Gbt26875FrameHeader header, ReadOnlySpan<Gbt26875AnalogValue> objects)
    {
        var data = DataUnit(destination, Gbt26875.TypeComponentAnalog, objects.Length, Gbt26875.ComponentAnalogSize);
        for (var i = 0; i < objects.Length; i++)
        {
            var o = objects[i];
            var d = data.Slice(i * Gbt26875.ComponentAnalogSize, Gbt26875.ComponentAnalogSize);
            d[0] = o.SystemType;
            d[1] = o.SystemAddress;
            d[2] = o.ComponentType;
            BinaryPrimitives.WriteUInt32LittleEndian(d[3..], o.ComponentAddress);
            d[7] = o.AnalogType;
            BinaryPrimitives.WriteInt16LittleEndian(d[8..], o.Value);
            Gbt26875TimeLabel.Write(d[10..], o.TimeUnixMs, _utcOffset);
        }

        return Finish(destination, header, 2 + (objects.Length * Gbt26875.ComponentAnalogSize));
    }

    public int WriteSystemStates(Span<byte> destination, in Gbt26875FrameHeader header, ReadOnlySpan<Gbt26875SystemState> objects)
    {
        var data = DataUnit(destination, Gbt26875.TypeSystemState, objects.Length, Gbt26875.SystemStateSize);
        for (var i = 0; i < objects.Length; i++)
        {
            var o = objects[i];
            var d = data.Slice(i * Gbt26875.SystemStateSize, Gbt26875.SystemStateSize);
            d[0] = o.SystemType;
            d[1] = o.SystemAddress;
            BinaryPrimitives.WriteUInt16LittleEndian(d[2..], o.State);
            Gbt26875TimeLabel.Write(d[4..], o.TimeUnixMs, _utcOffset);
        }

        return Finish(destination, header, 2 + (objects.Length * Gbt26875.SystemStateSize));
    }

    public int WriteTransmissionDeviceStates(Span<byte> destination, in Gbt26875FrameHeader header, ReadOnlySpan<Gbt26875TransmissionDeviceState> objects)
    {
        var data = DataUnit(destination, Gbt26875.TypeTransmissionDeviceState, objects.Length, Gbt26875.TransmissionDeviceStateSize);
        for (var i = 0; i < objects.Length; i++)
        {
            var d = data.Slice(i * Gbt26875.TransmissionDeviceStateSize, Gbt26875.TransmissionDeviceStateSize);
            d[0] = objects[i].State;
            Gbt26875TimeLabel.Write(d[1..], objects[i].TimeUnixMs, _utcOffset);
        }

        return Finish(destination, header, 2 + (objects.Length * Gbt26875.TransmissionDeviceStateSize));
    }

    /// <summary>A frame with an empty data unit (confirm, deny, request...).</summary>
    public int WriteControl(Span<byte> destination, in Gbt26875FrameHeader header) => Finish(destination, header, 0);

    private static Span<byte> DataUnit(Span<byte> destination, byte type, int count, int size)
    {
        if (count is < 1 or > 255)
        {
            throw new ArgumentOutOfRangeException(nameof(count), "A data unit holds 1 to 255 objects.");
        }

        destination[Gbt26875.HeaderLength] = type;
        destination[Gbt26875.HeaderLength + 1] = (byte)count;
        return destination.Slice(Gbt26875.HeaderLength + 2, count * size);
    }

    private int Finish(Span<byte> destination, in Gbt26875FrameHeader header, int dataLength)
    {
        destination[0] = (byte)'@';
        destination[1] = (byte)'@';
        BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], header.Serial);
        destination[4] = header.VersionMajor;
        destination[5] = header.VersionMinor;
        Gbt26875TimeLabel.Write(destination[6..], header.TimeUnixMs, _utcOffset);
        WriteAddress(destination[12..], header.SourceAddress);
        WriteAddress(destination[18..], header.DestinationAddress);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[24..], (ushort)dataLength);
        destination[26] = header.Command;
        var checksumAt = Gbt26875.HeaderLength + dataLength;
        byte sum = 0;
        foreach (var b in destination[2..checksumAt])
        {
            sum += b;
        }

        destination[checksumAt] = sum;
        destination[checksumAt + 1] = (byte)'#';
        destination[checksumAt + 2] = (byte)'#';
        return checksumAt + 3;
    }

    private static void WriteAddress(Span<byte> destination, ulong address)
    {
        Span<byte> eight = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(eight, address);
        eight[..6].CopyTo(destination);
    }
}
