using System.Buffers.Text;
using IoTFireAlert.Ingestion.Readings;
using IoTFireAlert.Telemetry.Points;

namespace IoTFireAlert.Telemetry.Sqlite;

/// <summary>
/// Rows copied out of one sink call, queued for the store's writer task; pooled and reused. A report's
/// fields are written here, on the caller's thread, as one JSON object (<c>{"smoke":0,"battery_pct":90}</c>)
/// into a buffer the batch keeps, so the writer only binds bytes.
/// </summary>
internal sealed class SqliteRowBatch
{
    // The longest field name (a signal name, '_', a channel number) plus the quotes, colon, comma and
    // the longest double: 128 bytes is ample, checked before every field.
    private const int MaxFieldBytes = 128;

    public readonly List<ReadingRow> Readings = [];
    public readonly List<FleetPosition> Positions = [];
    public readonly List<AlarmEvent> Alarms = [];
    public TaskCompletionSource? Flushed;

    private byte[] _json = new byte[512];
    private int _length;
    private int _rowStart;
    private int _rowFields;

    public bool IsEmpty => Readings.Count == 0 && Positions.Count == 0 && Alarms.Count == 0 && Flushed is null;

    public void BeginRow()
    {
        _rowStart = _length;
        _rowFields = 0;
    }

    public void Field(Signal signal, byte channel, double value)
    {
        var destination = Next();
        destination[0] = (byte)'"';
        var name = PointNames.FormatField(signal, channel, destination[1..]);
        Finish(destination, 1 + name, value);
    }

    public void Field(ReadOnlySpan<byte> name, double value)
    {
        var destination = Next();
        destination[0] = (byte)'"';
        name.CopyTo(destination[1..]);
        Finish(destination, 1 + name.Length, value);
    }

    /// <summary>Closes the report's object; a report without a single field leaves no row.</summary>
    public void EndRow(long timeMs, DeviceTags device)
    {
        if (_rowFields == 0)
        {
            _length = _rowStart;
            return;
        }

        _json[_length++] = (byte)'}';
        Readings.Add(new ReadingRow(timeMs, device, _rowStart, _length - _rowStart, _rowFields));
    }

    public ReadOnlySpan<byte> FieldsOf(in ReadingRow row) => _json.AsSpan(row.Start, row.Length);

    public void Clear()
    {
        Readings.Clear();
        Positions.Clear();
        Alarms.Clear();
        Flushed = null;
        _length = 0;
    }

    /// <summary>Room for one more field, opened with '{' or ','.</summary>
    private Span<byte> Next()
    {
        if (_json.Length - _length < MaxFieldBytes + 1)
        {
            Array.Resize(ref _json, _json.Length * 2);
        }

        _json[_length++] = _rowFields == 0 ? (byte)'{' : (byte)',';
        return _json.AsSpan(_length, MaxFieldBytes);
    }

    private void Finish(Span<byte> destination, int nameEnd, double value)
    {
        destination[nameEnd] = (byte)'"';
        destination[nameEnd + 1] = (byte)':';
        // Shortest round-trip form ("229.5", "1", "1E-05"), which is also a JSON number; callers pass finite values only.
        Utf8Formatter.TryFormat(value, destination[(nameEnd + 2)..], out var digits);
        _length += nameEnd + 2 + digits;
        _rowFields++;
    }

    /// <summary>One report: its time, its device, its fields as a JSON object at [Start, Start + Length) of the batch's buffer.</summary>
    internal readonly record struct ReadingRow(long TimeMs, DeviceTags Device, int Start, int Length, int Fields);
}
