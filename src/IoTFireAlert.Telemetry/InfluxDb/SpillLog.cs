using System.Buffers.Binary;
using System.Globalization;
using IoTFireAlert.Telemetry.LineProtocol;

namespace IoTFireAlert.Telemetry.InfluxDb;

/// <summary>
/// Lines that could not be delivered, kept on disk in order: append-only segment files
/// (<c>{seq}.spill</c>) of records
/// <c>"LPS1" | payloadLength | lineCount | lineEnd[lineCount] | payload | payloadLength</c>
/// (little-endian int32; the trailing length detects a record torn by a crash). The replay
/// position (segment, offset) is kept in <c>replay.pos</c>, replaced atomically after each
/// delivered record, so a restart neither loses nor re-sends more than one record.
/// Used by the writer's single send task only: no locks.
/// </summary>
internal sealed class SpillLog : IDisposable
{
    private const int Magic = 0x3153504C; // "LPS1" little-endian
    private const int HeaderBytes = 12;
    private const string Extension = ".spill";

    private readonly string _directory;
    private readonly long _segmentBytes;
    private readonly SortedSet<long> _segments = [];
    private readonly FileStream _lock;
    private FileStream? _writeStream;
    private long _writeSeq;
    private long _readSeq;
    private long _readOffset;
    private long _peekedEnd = -1;
    private byte[] _scratch = new byte[64 * 1024];

    public SpillLog(string directory, long segmentBytes)
    {
        _directory = directory;
        _segmentBytes = segmentBytes;
        Directory.CreateDirectory(directory);
        try
        {
            // Two writers appending to one spill would interleave records and replay each other's.
            _lock = new FileStream(Path.Combine(directory, "spill.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new InvalidOperationException($"The spill folder '{directory}' is in use by another InfluxDB writer; give each writer its own SpillDirectory.", e);
        }

        foreach (var file in Directory.EnumerateFiles(directory, "*" + Extension))
        {
            if (long.TryParse(Path.GetFileNameWithoutExtension(file), NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
            {
                _segments.Add(seq);
            }
        }

        ReadPosition();
        // Never append to a segment left by an earlier process: its tail may be torn.
        _writeSeq = _segments.Count == 0 ? 1 : _segments.Max + 1;
        BacklogBytes = ComputeBacklog();
    }

    public bool HasData => BacklogBytes > 0;

    public long BacklogBytes { get; private set; }

    /// <summary>Records dropped because they were torn (a crash in the middle of an append).</summary>
    public int TornRecords { get; private set; }

    /// <summary>Appends lines <paramref name="start"/>..+<paramref name="count"/> of <paramref name="batch"/> as one record and hands it to the OS.</summary>
    public void Append(LineBatch batch, int start, int count)
    {
        if (count == 0)
        {
            return;
        }

        if (_writeStream is null || _writeStream.Length >= _segmentBytes)
        {
            OpenNextSegment();
        }

        var payload = batch.Lines(start, count).Span;
        var recordBytes = HeaderBytes + (4 * count) + payload.Length + 4;
        EnsureScratch(recordBytes);
        var span = _scratch.AsSpan(0, recordBytes);
        BinaryPrimitives.WriteInt32LittleEndian(span, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], payload.Length);
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], count);
        var baseOffset = batch.LineStart(start);
        for (var i = 0; i < count; i++)
        {
            var lineEnd = batch.LineStart(start + i + 1) - baseOffset;
            BinaryPrimitives.WriteInt32LittleEndian(span[(HeaderBytes + (4 * i))..], lineEnd);
        }

        payload.CopyTo(span[(HeaderBytes + (4 * count))..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[^4..], payload.Length);
        _writeStream!.Write(span);
        // To the OS page cache: survives a crash of this process (not of the machine).
        _writeStream.Flush();
        BacklogBytes += recordBytes;
    }

    /// <summary>Reads the oldest undelivered record into <paramref name="into"/> (cleared first). False when none.</summary>
    public bool TryPeek(LineBatch into)
    {
        into.Clear();
        while (_segments.Count > 0)
        {
            var seq = _segments.Min;
            if (seq != _readSeq)
            {
                _readSeq = seq;
                _readOffset = 0;
            }

            using var stream = new FileStream(SegmentPath(seq), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (_readOffset < stream.Length && TryReadRecord(stream, into))
            {
                return true;
            }

            if (seq == _writeSeq && _writeStream is not null && _readOffset >= stream.Length)
            {
                // Caught up with the segment being written: nothing more yet.
                return false;
            }

            // End of a finished segment (or a torn tail): it is delivered, remove it.
            DeleteSegment(seq);
        }

        return false;
    }

    /// <summary>Marks the record returned by the last <see cref="TryPeek"/> as delivered.</summary>
    public void CommitPeeked()
    {
        if (_peekedEnd < 0)
        {
            throw new InvalidOperationException("Nothing was peeked.");
        }

        BacklogBytes -= _peekedEnd - _readOffset;
        _readOffset = _peekedEnd;
        _peekedEnd = -1;
        WritePosition();
        if (_readSeq != _writeSeq && new FileInfo(SegmentPath(_readSeq)).Length <= _readOffset)
        {
            DeleteSegment(_readSeq);
        }
    }

    public void Dispose()
    {
        _writeStream?.Dispose();
        _lock.Dispose();
    }

    private bool TryReadRecord(FileStream stream, LineBatch into)
    {
        stream.Position = _readOffset;
        Span<byte> header = stackalloc byte[HeaderBytes];
        if (stream.ReadAtLeast(header, HeaderBytes, throwOnEndOfStream: false) < HeaderBytes)
        {
            return Torn();
        }

        var payloadLength = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
        var count = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        if (BinaryPrimitives.ReadInt32LittleEndian(header) != Magic || payloadLength <= 0 || count <= 0 || count > payloadLength)
        {
            return Torn();
        }

        var rest = (4 * count) + payloadLength + 4;
        EnsureScratch(rest);
        var body = _scratch.AsSpan(0, rest);
        if (stream.ReadAtLeast(body, rest, throwOnEndOfStream: false) < rest
            || BinaryPrimitives.ReadInt32LittleEndian(body[^4..]) != payloadLength)
        {
            return Torn();
        }

        var payload = body.Slice(4 * count, payloadLength);
        var previous = 0;
        for (var i = 0; i < count; i++)
        {
            var end = BinaryPrimitives.ReadInt32LittleEndian(body[(4 * i)..]);
            if (end <= previous || end > payloadLength)
            {
                return Torn();
            }

            into.AppendLine(payload[previous..end]);
            previous = end;
        }

        _peekedEnd = _readOffset + HeaderBytes + rest;
        return true;

        bool Torn()
        {
            into.Clear();
            TornRecords++;
            // The rest of this segment cannot be framed any more; count it as consumed.
            _readOffset = stream.Length;
            BacklogBytes = ComputeBacklog();
            return false;
        }
    }

    private void OpenNextSegment()
    {
        _writeStream?.Dispose();
        if (_writeStream is not null)
        {
            _writeSeq++;
        }

        _segments.Add(_writeSeq);
        _writeStream = new FileStream(SegmentPath(_writeSeq), FileMode.Append, FileAccess.Write, FileShare.Read | FileShare.Delete);
    }

    private void DeleteSegment(long seq)
    {
        if (seq == _writeSeq && _writeStream is not null)
        {
            _writeStream.Dispose();
            _writeStream = null;
            _writeSeq++;
        }

        File.Delete(SegmentPath(seq));
        _segments.Remove(seq);
        _readOffset = 0;
        _readSeq = _segments.Count > 0 ? _segments.Min : 0;
        WritePosition();
        BacklogBytes = ComputeBacklog();
    }

    private long ComputeBacklog()
    {
        long total = 0;
        foreach (var seq in _segments)
        {
            var info = new FileInfo(SegmentPath(seq));
            total += info.Exists ? info.Length : 0;
        }

        return Math.Max(0, total - (_segments.Contains(_readSeq) ? _readOffset : 0));
    }

    private void ReadPosition()
    {
        var path = Path.Combine(_directory, "replay.pos");
        if (!File.Exists(path))
        {
            _readSeq = _segments.Count > 0 ? _segments.Min : 0;
            return;
        }

        Span<byte> buffer = stackalloc byte[16];
        using (var stream = File.OpenRead(path))
        {
            if (stream.ReadAtLeast(buffer, 16, throwOnEndOfStream: false) < 16)
            {
                _readSeq = _segments.Count > 0 ? _segments.Min : 0;
                return;
            }
        }

        _readSeq = BinaryPrimitives.ReadInt64LittleEndian(buffer);
        _readOffset = BinaryPrimitives.ReadInt64LittleEndian(buffer[8..]);
        if (_segments.Count == 0 || _segments.Min != _readSeq)
        {
            // The position names a segment already delivered and deleted: start at the oldest left.
            _readSeq = _segments.Count > 0 ? _segments.Min : 0;
            _readOffset = 0;
        }
    }

    private void WritePosition()
    {
        Span<byte> buffer = stackalloc byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(buffer, _readSeq);
        BinaryPrimitives.WriteInt64LittleEndian(buffer[8..], _readOffset);
        var temp = Path.Combine(_directory, "replay.pos.tmp");
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            stream.Write(buffer);
        }

        File.Move(temp, Path.Combine(_directory, "replay.pos"), overwrite: true);
    }

    private string SegmentPath(long seq) => Path.Combine(_directory, seq.ToString("D12", CultureInfo.InvariantCulture) + Extension);

    private void EnsureScratch(int size)
    {
        if (_scratch.Length < size)
        {
            _scratch = new byte[Math.Max(size, _scratch.Length * 2)];
        }
    }
}
