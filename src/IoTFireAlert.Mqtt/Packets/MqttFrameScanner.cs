using System.Buffers;

namespace IoTFireAlert.Mqtt.Packets;

/// <summary>
/// Finds packet boundaries in received bytes without decoding them. The fast path reads
/// the fixed header from <see cref="ReadOnlySequence{T}.FirstSpan"/>; only a header split
/// across segments takes the slow path. Decoding fields is the readers' job, so a partly
/// received packet costs nothing but this scan.
/// </summary>
public static class MqttFrameScanner
{
    /// <summary>The largest value a 4-byte Variable Byte Integer can hold (§1.5.5).</summary>
    public const int MaxRemainingLength = 268_435_455;

    /// <returns>
    /// <see cref="OperationStatus.Done"/> with a complete frame at the start of <paramref name="buffer"/>,
    /// <see cref="OperationStatus.NeedMoreData"/> when it is incomplete; throws
    /// <see cref="MqttProtocolException"/> for a malformed header or a packet above <paramref name="maximumPacketSize"/>.
    /// </returns>
    public static OperationStatus TryScan(in ReadOnlySequence<byte> buffer, int maximumPacketSize, out MqttFrame frame) =>
        TryScanHeader(buffer, out frame) == OperationStatus.Done ? Bounded(frame, buffer.Length, maximumPacketSize) : OperationStatus.NeedMoreData;

    /// <summary>
    /// Reads only the fixed header: <see cref="OperationStatus.Done"/> as soon as the type and
    /// Remaining Length are known, whether or not the body has arrived. No size limit is applied,
    /// so the caller decides what an oversize packet means (the client skips an oversize 3.1.1
    /// PUBLISH instead of closing, because the broker would only redeliver it). Throws
    /// <see cref="MqttProtocolException"/> for a malformed header.
    /// </summary>
    public static OperationStatus TryScanHeader(in ReadOnlySequence<byte> buffer, out MqttFrame frame)
    {
        var first = buffer.FirstSpan;
        if (first.Length >= 5 || first.Length == buffer.Length)
        {
            return TryScanHeader(first, out frame);
        }

        Span<byte> header = stackalloc byte[5];
        var available = (int)Math.Min(5, buffer.Length);
        buffer.Slice(0, available).CopyTo(header);
        return TryScanHeader(header[..available], out frame);
    }

    /// <summary>Scans a contiguous buffer (all received bytes).</summary>
    public static OperationStatus TryScan(ReadOnlySpan<byte> buffer, int maximumPacketSize, out MqttFrame frame) =>
        TryScanHeader(buffer, out frame) == OperationStatus.Done ? Bounded(frame, buffer.Length, maximumPacketSize) : OperationStatus.NeedMoreData;

    /// <summary>A scanned header against the limit and the bytes received so far.</summary>
    private static OperationStatus Bounded(MqttFrame frame, long available, int maximumPacketSize)
    {
        if (frame.TotalLength > maximumPacketSize)
        {
            throw new MqttProtocolException($"{frame.Type} packet of {frame.TotalLength} bytes exceeds the maximum packet size {maximumPacketSize}.", MqttReasonCode.PacketTooLarge);
        }

        return available >= frame.TotalLength ? OperationStatus.Done : OperationStatus.NeedMoreData;
    }

    private static OperationStatus TryScanHeader(ReadOnlySpan<byte> header, out MqttFrame frame)
    {
        frame = default;
        if (header.Length < 2)
        {
            return OperationStatus.NeedMoreData;
        }

        var first = header[0];
        if (first >> 4 == 0)
        {
            throw new MqttProtocolException("Packet type 0 is reserved (§2.1.2).", MqttReasonCode.MalformedPacket);
        }

        var value = 0;
        var multiplier = 1;
        var index = 1;
        while (true)
        {
            if (index == 5)
            {
                throw new MqttProtocolException("Remaining Length longer than 4 bytes (§1.5.5).", MqttReasonCode.MalformedPacket);
            }

            if (index >= header.Length)
            {
                return OperationStatus.NeedMoreData;
            }

            var b = header[index++];
            value += (b & 0x7F) * multiplier;
            if ((b & 0x80) == 0)
            {
                break;
            }

            multiplier <<= 7;
        }

        frame = new MqttFrame(first, index, value);
        return OperationStatus.Done;
    }
}
