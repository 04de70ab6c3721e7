using System.Buffers;

namespace IoTFireAlert.Mqtt.Tests.Packets;

/// <summary>Builds a multi-segment <see cref="ReadOnlySequence{T}"/>, as a pipe hands over data that arrived in pieces.</summary>
internal sealed class SegmentedSequence : ReadOnlySequenceSegment<byte>
{
    private SegmentedSequence(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    public static ReadOnlySequence<byte> Split(byte[] data, params int[] cuts)
    {
        var bounds = cuts.Where(c => c > 0 && c < data.Length).Distinct().Order().Append(data.Length).ToArray();
        var first = new SegmentedSequence(data.AsMemory(0, bounds[0]), 0);
        var last = first;
        var start = bounds[0];
        foreach (var end in bounds.Skip(1))
        {
            var next = new SegmentedSequence(data.AsMemory(start, end - start), start);
            last.Next = next;
            last = next;
            start = end;
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
