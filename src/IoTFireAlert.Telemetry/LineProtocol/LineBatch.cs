using System.Buffers;

namespace IoTFireAlert.Telemetry.LineProtocol;

/// <summary>
/// Lines of line protocol in one pooled buffer, with the end offset of every line kept so a batch
/// can be split at line boundaries (a 400 for one line is bisected without re-parsing; string
/// fields may legally hold a raw newline, so scanning for '\n' would be wrong).
/// Grows once and is then reused; not thread-safe.
/// </summary>
public sealed class LineBatch : IBufferWriter<byte>
{
    private byte[] _buffer;
    private int _written;
    private int[] _lineEnds;
    private int _committedEnd;

    public LineBatch(int initialBytes = 64 * 1024, int initialLines = 512)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(initialBytes);
        _lineEnds = new int[initialLines];
    }

    /// <summary>Lines committed with <see cref="CommitLine"/>.</summary>
    public int LineCount { get; private set; }

    /// <summary>Bytes of the committed lines.</summary>
    public int Length => _committedEnd;

    /// <summary>All committed lines, each ending in '\n'.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _committedEnd);

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _committedEnd);

    /// <summary>Line <paramref name="index"/> including its trailing '\n'.</summary>
    public ReadOnlySpan<byte> Line(int index) => _buffer.AsSpan(LineStart(index), _lineEnds[index] - LineStart(index));

    /// <summary>Bytes of lines <paramref name="start"/>..<paramref name="start"/>+<paramref name="count"/>.</summary>
    public ReadOnlyMemory<byte> Lines(int start, int count)
    {
        var from = LineStart(start);
        return _buffer.AsMemory(from, _lineEnds[start + count - 1] - from);
    }

    public int LineStart(int index) => index == 0 ? 0 : _lineEnds[index - 1];

    public void Advance(int count)
    {
        if (count < 0 || _written + count > _buffer.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    /// <summary>Marks everything advanced so far as one complete line (it must end in '\n').</summary>
    public void CommitLine()
    {
        if (_written == _committedEnd || _buffer[_written - 1] != (byte)'\n')
        {
            throw new InvalidOperationException("A line must end in '\\n' before it is committed.");
        }

        if (LineCount == _lineEnds.Length)
        {
            Array.Resize(ref _lineEnds, _lineEnds.Length * 2);
        }

        _lineEnds[LineCount++] = _written;
        _committedEnd = _written;
    }

    /// <summary>Appends complete lines (each ending in '\n') from another batch.</summary>
    public void AppendLines(LineBatch source, int start, int count)
    {
        if (count == 0)
        {
            return;
        }

        var bytes = source.Lines(start, count).Span;
        bytes.CopyTo(GetSpan(bytes.Length));
        var baseOffset = _written - source.LineStart(start);
        _written += bytes.Length;
        _committedEnd = _written;
        if (LineCount + count > _lineEnds.Length)
        {
            Array.Resize(ref _lineEnds, Math.Max(_lineEnds.Length * 2, LineCount + count));
        }

        for (var i = 0; i < count; i++)
        {
            _lineEnds[LineCount++] = source._lineEnds[start + i] + baseOffset;
        }
    }

    /// <summary>Appends one line read back from a spill record (must end in '\n').</summary>
    public void AppendLine(ReadOnlySpan<byte> line)
    {
        line.CopyTo(GetSpan(line.Length));
        _written += line.Length;
        CommitLine();
    }

    /// <summary>Drops any uncommitted bytes (a line abandoned half-way).</summary>
    public void DiscardUncommitted() => _written = _committedEnd;

    public void Clear()
    {
        _written = 0;
        _committedEnd = 0;
        LineCount = 0;
    }

    private void Ensure(int sizeHint)
    {
        sizeHint = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written >= sizeHint)
        {
            return;
        }

        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _written + sizeHint));
        _buffer.AsSpan(0, _written).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }
}
