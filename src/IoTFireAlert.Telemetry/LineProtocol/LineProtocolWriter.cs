using System.Buffers;
using System.Globalization;
using System.Text;

namespace IoTFireAlert.Telemetry.LineProtocol;

/// <summary>
/// Builds one line of InfluxDB line protocol at a time and copies it, complete, into an
/// <see cref="IBufferWriter{T}"/>:
/// <c>measurement[,tag=value...] field=value[,field=value...] [timestamp]\n</c>.
/// Escaping follows the spec (InfluxDB 1.x/2.x "line protocol" reference, special characters):
/// measurement: comma and space; tag keys, tag values, field keys: comma, equals sign and space;
/// string field values: double quote and backslash. The line is assembled in a private scratch
/// buffer so that a rejected value (NaN, a newline in a tag...) throws
/// <see cref="LineProtocolException"/> without leaving half a line in the output.
/// Reuse one instance per partition: after warm-up it allocates nothing. Not thread-safe.
/// </summary>
public sealed class LineProtocolWriter
{
    /// <summary>InfluxDB limits a string field value to 64 KiB.</summary>
    public const int MaxStringFieldBytes = 64 * 1024;

    private static readonly SearchValues<byte> MeasurementSpecials = SearchValues.Create(", \\\n\r"u8);
    private static readonly SearchValues<byte> KeySpecials = SearchValues.Create(",= \\\n\r"u8);
    private static readonly SearchValues<byte> StringSpecials = SearchValues.Create("\"\\"u8);

    private static readonly double[] Powers = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];

    private byte[] _line = new byte[512];
    private byte[] _utf8 = new byte[256];
    private int _length;
    private Phase _phase;
    private int _lastTagKeyStart;
    private int _lastTagKeyLength;

    private enum Phase : byte
    {
        None,
        Tags,
        SeriesKey,
        Fields,
    }

    /// <summary>True between <c>Begin</c> and <c>End</c>.</summary>
    public bool InLine => _phase != Phase.None;

    /// <summary>Starts a line with a measurement name (escaped here).</summary>
    public void Begin(ReadOnlySpan<char> measurement)
    {
        StartLine();
        if (measurement.IsEmpty)
        {
            Fail("the measurement name is empty");
        }

        if (measurement[0] == '#')
        {
            Fail("a measurement name cannot start with '#' (the line would be read as a comment)");
        }

        AppendEscaped(measurement, MeasurementSpecials, "measurement");
        _phase = Phase.Tags;
        _lastTagKeyLength = 0;
    }

    /// <summary>Starts a line with a UTF-8 measurement name (escaped here).</summary>
    public void Begin(ReadOnlySpan<byte> measurement)
    {
        StartLine();
        if (measurement.IsEmpty)
        {
            Fail("the measurement name is empty");
        }

        if (measurement[0] == (byte)'#')
        {
            Fail("a measurement name cannot start with '#' (the line would be read as a comment)");
        }

        AppendEscaped(measurement, MeasurementSpecials, "measurement");
        _phase = Phase.Tags;
        _lastTagKeyLength = 0;
    }

    /// <summary>Starts a line with a pre-escaped measurement and tag set; only fields may follow.</summary>
    public void Begin(SeriesKey series)
    {
        StartLine();
        Append(series.Utf8);
        _phase = Phase.SeriesKey;
    }

    /// <summary>Adds a tag. Tags must come sorted by key (byte order, as the spec recommends); an empty value omits the tag.</summary>
    public void Tag(ReadOnlySpan<char> key, ReadOnlySpan<char> value)
    {
        if (value.IsEmpty)
        {
            return;
        }

        var keyStart = StartTag();
        AppendKey(key, "tag key");
        CheckTagOrder(keyStart);
        Append((byte)'=');
        AppendEscaped(value, KeySpecials, "tag value");
    }

    /// <summary>Adds a tag from UTF-8. Tags must come sorted by key; an empty value omits the tag.</summary>
    public void Tag(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty)
        {
            return;
        }

        var keyStart = StartTag();
        AppendKey(key, "tag key");
        CheckTagOrder(keyStart);
        Append((byte)'=');
        AppendEscaped(value, KeySpecials, "tag value");
    }

    /// <summary>A float field. NaN and ±Infinity are rejected: line protocol has no spelling for them.</summary>
    public void FieldFloat(ReadOnlySpan<byte> key, double value)
    {
        if (!double.IsFinite(value))
        {
            Fail($"field '{Encoding.UTF8.GetString(key)}' is {value.ToString(CultureInfo.InvariantCulture)}: line protocol cannot carry NaN or Infinity (InfluxDB rejects the line)");
        }

        StartField(key);
        AppendFloat(value);
    }

    private void AppendFloat(double value)
    {
        var span = Reserve(32);
        if (!TryFormatDecimal(value, span, out var written))
        {
            // Shortest round-trip form; exponents ("1E+20") are valid line protocol floats.
            value.TryFormat(span, out written, default, CultureInfo.InvariantCulture);
        }

        _length += written;
    }

    public void FieldFloat(ReadOnlySpan<char> key, double value)
    {
        if (!double.IsFinite(value))
        {
            Fail($"field '{key}' is {value.ToString(CultureInfo.InvariantCulture)}: line protocol cannot carry NaN or Infinity (InfluxDB rejects the line)");
        }

        StartField(key);
        AppendFloat(value);
    }

    /// <summary>A signed 64-bit integer field (<c>42i</c>).</summary>
    public void FieldInteger(ReadOnlySpan<byte> key, long value)
    {
        StartField(key);
        var span = Reserve(21);
        value.TryFormat(span, out var written, default, CultureInfo.InvariantCulture);
        _length += written;
        Append((byte)'i');
    }

    public void FieldInteger(ReadOnlySpan<char> key, long value)
    {
        StartField(key);
        var span = Reserve(21);
        value.TryFormat(span, out var written, default, CultureInfo.InvariantCulture);
        _length += written;
        Append((byte)'i');
    }

    /// <summary>An unsigned 64-bit integer field (<c>42u</c>; InfluxDB 2.x, and 1.x only when built with unsigned support).</summary>
    public void FieldUnsigned(ReadOnlySpan<byte> key, ulong value)
    {
        StartField(key);
        var span = Reserve(21);
        value.TryFormat(span, out var written, default, CultureInfo.InvariantCulture);
        _length += written;
        Append((byte)'u');
    }

    public void FieldUnsigned(ReadOnlySpan<char> key, ulong value) => FieldUnsigned(Transcode(key), value);

    public void FieldBool(ReadOnlySpan<byte> key, bool value)
    {
        StartField(key);
        Append(value ? "true"u8 : "false"u8);
    }

    public void FieldBool(ReadOnlySpan<char> key, bool value) => FieldBool(Transcode(key), value);

    /// <summary>
    /// A string field: double quotes and backslashes are escaped. A raw newline is legal inside the
    /// quotes (the 1.x parser tracks quoting when it splits lines) and is kept as is.
    /// </summary>
    public void FieldString(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        StartField(key);
        var start = _length;
        Append((byte)'"');
        AppendEscapedString(value);
        Append((byte)'"');
        if (_length - start - 2 > MaxStringFieldBytes)
        {
            Fail($"string field '{Encoding.UTF8.GetString(key)}' is longer than {MaxStringFieldBytes} bytes, InfluxDB's limit");
        }
    }

    public void FieldString(ReadOnlySpan<char> key, ReadOnlySpan<char> value)
    {
        // Two transcodes share one scratch buffer: write the key first, then the value.
        StartField(Transcode(key));
        var start = _length;
        Append((byte)'"');
        AppendEscapedString(Transcode(value));
        Append((byte)'"');
        if (_length - start - 2 > MaxStringFieldBytes)
        {
            Fail($"string field '{key}' is longer than {MaxStringFieldBytes} bytes, InfluxDB's limit");
        }
    }

    /// <summary>Ends the line with a timestamp (in the precision the write will declare) and copies it to <paramref name="output"/>.</summary>
    public void End(IBufferWriter<byte> output, long timestamp)
    {
        EndCommon();
        Append((byte)' ');
        var span = Reserve(21);
        timestamp.TryFormat(span, out var written, default, CultureInfo.InvariantCulture);
        _length += written;
        Append((byte)'\n');
        CopyOut(output);
    }

    /// <summary>Ends the line without a timestamp: the server stamps it on arrival.</summary>
    public void End(IBufferWriter<byte> output)
    {
        EndCommon();
        Append((byte)'\n');
        CopyOut(output);
    }

    /// <summary>
    /// Fast path for the common sensor value with at most 6 decimals (35.5, 229.25, 0.1): finds the
    /// smallest k with v·10^k an integer m below 2^53 and m / 10^k == v. Both m and 10^k are exact
    /// doubles and IEEE division rounds correctly, so the decimal "m / 10^k" parses back to exactly
    /// v — the same guarantee as the shortest round-trip form, at a fraction of its cost.
    /// </summary>
    internal static bool TryFormatDecimal(double value, Span<byte> destination, out int written)
    {
        written = 0;
        var magnitude = Math.Abs(value);
        if (magnitude >= 1e15 || (magnitude < 1e-6 && value != 0))
        {
            return false;
        }

        var powers = Powers;
        for (var k = 0; k < powers.Length; k++)
        {
            var scaled = value * powers[k];
            if (Math.Abs(scaled) >= 9_007_199_254_740_992.0)
            {
                return false;
            }

            var m = (long)scaled;
            if (m != scaled || m / powers[k] != value)
            {
                continue;
            }

            if (value == 0 && double.IsNegative(value))
            {
                // -0 keeps its sign, as the general formatter writes it.
                return false;
            }

            var pos = 0;
            if (m < 0)
            {
                destination[pos++] = (byte)'-';
                m = -m;
            }

            ulong unsigned = (ulong)m;
            if (k == 0)
            {
                unsigned.TryFormat(destination[pos..], out var digits, default, CultureInfo.InvariantCulture);
                written = pos + digits;
                return true;
            }

            ulong divisor = (ulong)powers[k];
            var whole = unsigned / divisor;
            var fraction = unsigned - (whole * divisor);
            whole.TryFormat(destination[pos..], out var wholeDigits, default, CultureInfo.InvariantCulture);
            pos += wholeDigits;
            destination[pos++] = (byte)'.';
            // The fraction with leading zeros to k digits; k was minimal, so it has no trailing zero.
            for (var d = k - 1; d >= 0; d--)
            {
                destination[pos + d] = (byte)('0' + (int)(fraction % 10));
                fraction /= 10;
            }

            written = pos + k;
            return true;
        }

        return false;
    }

    /// <summary>Abandons the line being built.</summary>
    public void Reset()
    {
        _length = 0;
        _phase = Phase.None;
    }

    /// <summary>The bytes of the line so far (measurement and tags); used to build a <see cref="SeriesKey"/>.</summary>
    internal ReadOnlySpan<byte> Pending => _line.AsSpan(0, _length);

    private void StartLine()
    {
        if (_phase != Phase.None)
        {
            Reset();
            throw new InvalidOperationException("The previous line was not ended; call End or Reset first.");
        }

        _length = 0;
    }

    private int StartTag()
    {
        if (_phase != Phase.Tags)
        {
            var state = _phase;
            Reset();
            throw new InvalidOperationException(state switch
            {
                Phase.None => "Begin a line before adding tags.",
                Phase.SeriesKey => "A line begun from a SeriesKey already has its tags.",
                _ => "Tags must come before fields.",
            });
        }

        Append((byte)',');
        return _length;
    }

    private void CheckTagOrder(int keyStart)
    {
        var keyLength = _length - keyStart;
        if (_lastTagKeyLength > 0)
        {
            var order = _line.AsSpan(keyStart, keyLength).SequenceCompareTo(_line.AsSpan(_lastTagKeyStart, _lastTagKeyLength));
            if (order <= 0)
            {
                var key = Encoding.UTF8.GetString(_line, keyStart, keyLength);
                var previous = Encoding.UTF8.GetString(_line, _lastTagKeyStart, _lastTagKeyLength);
                Fail(order == 0
                    ? $"tag key '{key}' appears twice"
                    : $"tags must be added sorted by key: '{key}' came after '{previous}'");
            }
        }

        _lastTagKeyStart = keyStart;
        _lastTagKeyLength = keyLength;
    }

    private void StartField(ReadOnlySpan<char> key)
    {
        StartFieldSeparator();
        AppendKey(key, "field key");
        Append((byte)'=');
    }

    private void StartField(ReadOnlySpan<byte> key)
    {
        StartFieldSeparator();
        AppendKey(key, "field key");
        Append((byte)'=');
    }

    private void StartFieldSeparator()
    {
        switch (_phase)
        {
            case Phase.Tags:
            case Phase.SeriesKey:
                Append((byte)' ');
                _phase = Phase.Fields;
                break;
            case Phase.Fields:
                Append((byte)',');
                break;
            default:
                throw new InvalidOperationException("Begin a line before adding fields.");
        }
    }

    private void AppendKey(ReadOnlySpan<byte> key, string element)
    {
        if (key.IsEmpty)
        {
            Fail($"a {element} is empty");
        }

        if (key.SequenceEqual("time"u8))
        {
            Fail($"'time' cannot be a {element}: InfluxDB reserves it and drops the point");
        }

        AppendEscaped(key, KeySpecials, element);
    }

    private void AppendKey(ReadOnlySpan<char> key, string element)
    {
        if (key.IsEmpty)
        {
            Fail($"a {element} is empty");
        }

        if (key.SequenceEqual("time"))
        {
            Fail($"'time' cannot be a {element}: InfluxDB reserves it and drops the point");
        }

        AppendEscaped(key, KeySpecials, element);
    }

    /// <summary>
    /// Transcodes straight into the line and escapes only when a special character is present,
    /// which for ids and names is rare: one pass, no scratch copy. Ids and tag values are short,
    /// so a scalar loop that narrows ASCII and screens for specials at once beats a vectorized
    /// transcode's set-up; the first non-ASCII or suspicious character hands the rest to the
    /// UTF-8 encoder and the exact check.
    /// </summary>
    private void AppendEscaped(ReadOnlySpan<char> source, SearchValues<byte> specials, string element)
    {
        var destination = Reserve((source.Length + 1) * 3);
        var i = 0;
        for (; i < source.Length; i++)
        {
            var c = source[i];
            // A superset of every element's specials (space and control characters, ',', '=', '\').
            if (c >= 0x80 || c <= ' ' || c == ',' || c == '=' || c == '\\')
            {
                break;
            }

            destination[i] = (byte)c;
        }

        if (i == source.Length)
        {
            _length += i;
            return;
        }

        var written = i + Encoding.UTF8.GetBytes(source[i..], destination[i..]);
        if (destination[i..written].IndexOfAny(specials) < 0)
        {
            _length += written;
            return;
        }

        AppendEscaped(Transcode(source), specials, element);
    }

    private void EndCommon()
    {
        if (_phase != Phase.Fields)
        {
            if (_phase == Phase.None)
            {
                throw new InvalidOperationException("No line was begun.");
            }

            Fail("a line needs at least one field");
        }
    }

    private void CopyOut(IBufferWriter<byte> output)
    {
        var line = _line.AsSpan(0, _length);
        line.CopyTo(output.GetSpan(line.Length));
        output.Advance(line.Length);
        if (output is LineBatch batch)
        {
            batch.CommitLine();
        }

        Reset();
    }

    private void AppendEscaped(ReadOnlySpan<byte> source, SearchValues<byte> specials, string element)
    {
        while (true)
        {
            var i = source.IndexOfAny(specials);
            if (i < 0)
            {
                Append(source);
                return;
            }

            Append(source[..i]);
            var b = source[i];
            switch (b)
            {
                case (byte)'\n':
                case (byte)'\r':
                    Fail($"the {element} contains a line break; line protocol has no escape for it there (only string field values may hold one)");
                    break;
                case (byte)'\\':
                    // 1.x keeps a backslash literal unless it precedes an escapable character; a
                    // backslash before one, or at the end, cannot be written so that it reads back.
                    if (i + 1 == source.Length)
                    {
                        Fail($"the {element} ends in a backslash, which would escape the separator after it");
                    }

                    if (source[i + 1] is (byte)',' or (byte)'=' or (byte)' ' or (byte)'"')
                    {
                        Fail($"the {element} has a backslash before '{(char)source[i + 1]}', which line protocol cannot carry unambiguously");
                    }

                    Append(b);
                    break;
                default:
                    Append((byte)'\\');
                    Append(b);
                    break;
            }

            source = source[(i + 1)..];
        }
    }

    private void AppendEscapedString(ReadOnlySpan<byte> source)
    {
        while (true)
        {
            var i = source.IndexOfAny(StringSpecials);
            if (i < 0)
            {
                Append(source);
                return;
            }

            Append(source[..i]);
            Append((byte)'\\');
            Append(source[i]);
            source = source[(i + 1)..];
        }
    }

    private ReadOnlySpan<byte> Transcode(ReadOnlySpan<char> chars)
    {
        var max = Encoding.UTF8.GetMaxByteCount(chars.Length);
        if (_utf8.Length < max)
        {
            _utf8 = new byte[Math.Max(max, _utf8.Length * 2)];
        }

        var written = Encoding.UTF8.GetBytes(chars, _utf8);
        return _utf8.AsSpan(0, written);
    }

    private Span<byte> Reserve(int size)
    {
        if (_line.Length - _length < size)
        {
            Array.Resize(ref _line, Math.Max(_line.Length * 2, _length + size));
        }

        return _line.AsSpan(_length);
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Reserve(bytes.Length));
        _length += bytes.Length;
    }

    private void Append(byte b)
    {
        if (_length == _line.Length)
        {
            Array.Resize(ref _line, _line.Length * 2);
        }

        _line[_length++] = b;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void Fail(string message)
    {
        Reset();
        throw new LineProtocolException(message);
    }
}
