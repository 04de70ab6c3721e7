using System.Buffers;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using IoTFireAlert.Telemetry.LineProtocol;

namespace IoTFireAlert.Telemetry.Tests.LineProtocol;

public sealed class LineProtocolWriterTests
{
    private readonly LineProtocolWriter _writer = new();
    private readonly ArrayBufferWriter<byte> _output = new();

    private string Text => Encoding.UTF8.GetString(_output.WrittenSpan);

    [Fact]
    public void Write_SpecExampleWeather_MatchesSpec()
    {
        _writer.Begin("weather");
        _writer.Tag("location", "us-midwest");
        _writer.FieldFloat("temperature", 82);
        _writer.End(_output, 1465839830100400200);

        Assert.Equal("weather,location=us-midwest temperature=82 1465839830100400200\n", Text);
    }

    [Fact]
    public void Write_SpecExampleTwoTagsStringField_MatchesSpec()
    {
        _writer.Begin("myMeasurement");
        _writer.Tag("tag1", "value1");
        _writer.Tag("tag2", "value2");
        _writer.FieldString("fieldKey", "fieldValue");
        _writer.End(_output, 1556813561098000000);

        Assert.Equal("myMeasurement,tag1=value1,tag2=value2 fieldKey=\"fieldValue\" 1556813561098000000\n", Text);
    }

    [Fact]
    public void Write_SpecEscapingExamples_MatchSpec()
    {
        _writer.Begin("my Measurement");
        _writer.FieldString("fieldKey", "string value");
        _writer.End(_output);
        _writer.Begin("myMeasurement");
        _writer.Tag("tag Key1", "tag Value1");
        _writer.Tag("tag Key2", "tag Value2");
        _writer.FieldInteger("fieldKey", 100);
        _writer.End(_output);
        _writer.Begin("wea,ther");
        _writer.Tag("location place", "us,midwest");
        _writer.FieldFloat("temp=rature", 82);
        _writer.End(_output);
        _writer.Begin("myMeasurement");
        _writer.FieldString("fieldKey", "\"string\" within a string");
        _writer.End(_output);
        _writer.Begin("weather");
        _writer.FieldString("temperature_str", "too hot\\cold");
        _writer.End(_output);

        Assert.Equal(
            "my\\ Measurement fieldKey=\"string value\"\n" +
            "myMeasurement,tag\\ Key1=tag\\ Value1,tag\\ Key2=tag\\ Value2 fieldKey=100i\n" +
            "wea\\,ther,location\\ place=us\\,midwest temp\\=rature=82\n" +
            "myMeasurement fieldKey=\"\\\"string\\\" within a string\"\n" +
            "weather temperature_str=\"too hot\\\\cold\"\n",
            Text);
    }

    [Fact]
    public void Write_MeasurementWithEqualsAndQuote_LeavesThemUnescaped()
    {
        // Spec: a measurement escapes only comma and space.
        _writer.Begin("a=b\"c");
        _writer.FieldBool("on", true);
        _writer.End(_output);

        Assert.Equal("a=b\"c on=true\n", Text);
    }

    [Fact]
    public void Write_EveryFieldType_UsesItsSuffix()
    {
        _writer.Begin("m");
        _writer.FieldFloat("f", -1.5e-7);
        _writer.FieldInteger("i", long.MinValue);
        _writer.FieldUnsigned("u", ulong.MaxValue);
        _writer.FieldBool("b", false);
        _writer.FieldString("s", "");
        _writer.End(_output, 0);

        Assert.Equal("m f=-1.5E-07,i=-9223372036854775808i,u=18446744073709551615u,b=false,s=\"\" 0\n", Text);
    }

    [Fact]
    public void Write_ChineseNames_AreUtf8()
    {
        _writer.Begin("烟感");
        _writer.Tag("site", "绍兴 柯桥区,华舍街道");
        _writer.FieldString("地址", "诸暨市 \"老街\" 12号");
        _writer.End(_output, 1);

        Assert.Equal("烟感,site=绍兴\\ 柯桥区\\,华舍街道 地址=\"诸暨市 \\\"老街\\\" 12号\" 1\n", Text);
        Assert.Equal(Encoding.UTF8.GetBytes(Text), _output.WrittenSpan.ToArray());
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    [InlineData(double.NegativeInfinity, "-Infinity")]
    public void FieldFloat_NonFinite_ThrowsClearErrorAndDropsLine(double value, string shown)
    {
        _writer.Begin("m");
        _writer.FieldFloat("ok", 1);

        var error = Assert.Throws<LineProtocolException>(() => _writer.FieldFloat("residual_current_ma", value));

        Assert.Contains("residual_current_ma", error.Message, StringComparison.Ordinal);
        Assert.Contains(shown, error.Message, StringComparison.Ordinal);
        Assert.False(_writer.InLine);
        Assert.Equal(0, _output.WrittenCount);
        _writer.Begin("m");
        _writer.FieldFloat("ok", 2);
        _writer.End(_output);
        Assert.Equal("m ok=2\n", Text);
    }

    [Theory]
    [InlineData("a\nb")]
    [InlineData("a\r\nb")]
    public void Tag_ValueWithNewline_IsRejected(string value)
    {
        _writer.Begin("m");

        var error = Assert.Throws<LineProtocolException>(() => _writer.Tag("k", value));

        Assert.Contains("line break", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Measurement_WithNewline_IsRejected()
    {
        Assert.Throws<LineProtocolException>(() => _writer.Begin("m\nx"));
    }

    [Fact]
    public void FieldString_WithNewline_KeepsItInsideQuotes()
    {
        _writer.Begin("m");
        _writer.FieldString("note", "line1\nline2");
        _writer.End(_output);

        Assert.Equal("m note=\"line1\nline2\"\n", Text);
    }

    [Theory]
    [InlineData("ends\\")]
    [InlineData("a\\,b")]
    [InlineData("a\\ b")]
    [InlineData("a\\=b")]
    public void Tag_AmbiguousBackslash_IsRejected(string value)
    {
        _writer.Begin("m");

        Assert.Throws<LineProtocolException>(() => _writer.Tag("k", value));
    }

    [Fact]
    public void Tag_LiteralBackslash_IsKept()
    {
        _writer.Begin("m");
        _writer.Tag("path", "C:\\dev\\x");
        _writer.FieldInteger("v", 1);
        _writer.End(_output);

        Assert.Equal("m,path=C:\\dev\\x v=1i\n", Text);
    }

    [Fact]
    public void Tag_OutOfOrder_IsRejected()
    {
        _writer.Begin("m");
        _writer.Tag("site", "a");

        var error = Assert.Throws<LineProtocolException>(() => _writer.Tag("device_id", "b"));

        Assert.Contains("sorted", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tag_Duplicate_IsRejected()
    {
        _writer.Begin("m");
        _writer.Tag("a", "1");

        Assert.Throws<LineProtocolException>(() => _writer.Tag("a", "2"));
    }

    [Fact]
    public void Tag_EmptyValue_IsOmitted()
    {
        _writer.Begin("m");
        _writer.Tag("a", "");
        _writer.Tag("b", "x");
        _writer.FieldInteger("v", 1);
        _writer.End(_output);

        Assert.Equal("m,b=x v=1i\n", Text);
    }

    [Fact]
    public void End_WithoutFields_IsRejected()
    {
        _writer.Begin("m");
        _writer.Tag("a", "1");

        var error = Assert.Throws<LineProtocolException>(() => _writer.End(_output));

        Assert.Contains("at least one field", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _output.WrittenCount);
    }

    [Theory]
    [InlineData("")]
    [InlineData("time")]
    public void FieldKey_EmptyOrTime_IsRejected(string key)
    {
        _writer.Begin("m");

        Assert.Throws<LineProtocolException>(() => _writer.FieldInteger(key, 1));
    }

    [Fact]
    public void Measurement_StartingWithHash_IsRejected()
    {
        Assert.Throws<LineProtocolException>(() => _writer.Begin("#comment"));
    }

    [Fact]
    public void Begin_SeriesKey_SortsTagsAndAppendsFields()
    {
        var key = SeriesKey.Create("charging_pile", new("vendor", "v 1"), new("device_id", "CP-1"), new("site", "西湖"), new("grid", ""));
        _writer.Begin(key);
        _writer.FieldFloat("port_temp_c_2", 41.5);
        _writer.End(_output, 5);

        Assert.Equal("charging_pile,device_id=CP-1,site=西湖,vendor=v\\ 1 port_temp_c_2=41.5 5\n", Text);
        Assert.Throws<InvalidOperationException>(() =>
        {
            _writer.Begin(key);
            _writer.Tag("z", "1");
        });
    }

    [Fact]
    public void End_IntoLineBatch_CommitsEachLine()
    {
        var batch = new LineBatch(16, 1);
        for (var i = 0; i < 100; i++)
        {
            _writer.Begin("m");
            _writer.FieldInteger("v", i);
            _writer.End(batch, i);
        }

        Assert.Equal(100, batch.LineCount);
        Assert.Equal("m v=42i 42\n", Encoding.UTF8.GetString(batch.Line(42)));
        Assert.Equal("m v=0i 0\nm v=1i 1\n", Encoding.UTF8.GetString(batch.Lines(0, 2).Span));
    }

    [Theory]
    [InlineData(1_700_000_000_123L, TimestampPrecision.Nanoseconds, 1_700_000_000_123_000_000L)]
    [InlineData(1_700_000_000_123L, TimestampPrecision.Microseconds, 1_700_000_000_123_000L)]
    [InlineData(1_700_000_000_123L, TimestampPrecision.Milliseconds, 1_700_000_000_123L)]
    [InlineData(1_700_000_000_123L, TimestampPrecision.Seconds, 1_700_000_000L)]
    [InlineData(-1L, TimestampPrecision.Seconds, -1L)]
    public void FromUnixMilliseconds_EachPrecision_Converts(long ms, TimestampPrecision precision, long expected)
    {
        Assert.Equal(expected, LineTimestamp.FromUnixMilliseconds(ms, precision));
        Assert.Equal(expected, LineTimestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(ms), precision));
    }

    // Whole strings, not chars, so a surrogate pair (🔥) is never split into lone halves.
    private static readonly string[] NastyAlphabet = [.. "ab Z09,= \"\\'#_-.:/\t烟感器柯桥区é".Select(c => c.ToString()), "🔥"];

    private static Arbitrary<string> NastyStrings() =>
        Gen.Elements(NastyAlphabet).ArrayOf().Select(parts => string.Concat(parts)).ToArbitrary();

    [Fact]
    public void Property_TagsAndStringsRoundTripThroughAReader()
    {
        Prop.ForAll(NastyStrings(), NastyStrings(), NastyStrings(), (name, tag, text) =>
        {
            var writer = new LineProtocolWriter();
            var output = new ArrayBufferWriter<byte>();
            try
            {
                writer.Begin("m" + name);
                writer.Tag("k" + name, tag);
                writer.FieldString("f" + name, text);
                writer.End(output, 7);
            }
            catch (LineProtocolException)
            {
                // Only values the spec cannot carry may be refused: a backslash at the end or before an escapable character.
                return IsAmbiguous("k" + name) || IsAmbiguous("m" + name) || IsAmbiguous(tag) || IsAmbiguous("f" + name);
            }

            var parsed = LineProtocolReader.Parse(Encoding.UTF8.GetString(output.WrittenSpan));
            var tags = tag.Length == 0 ? [] : new[] { new KeyValuePair<string, string>("k" + name, tag) };
            return parsed.Measurement == "m" + name
                && parsed.Tags.SequenceEqual(tags)
                && parsed.Fields.Count == 1
                && parsed.Fields[0].Key == "f" + name
                && LineProtocolReader.UnquoteString(parsed.Fields[0].Value) == text
                && parsed.Timestamp == 7;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Property_FloatsRoundTripExactly()
    {
        Prop.ForAll<double>(value =>
        {
            if (!double.IsFinite(value))
            {
                return true;
            }

            var writer = new LineProtocolWriter();
            var output = new ArrayBufferWriter<byte>();
            writer.Begin("m");
            writer.FieldFloat("v", value);
            writer.End(output);
            var parsed = LineProtocolReader.Parse(Encoding.UTF8.GetString(output.WrittenSpan));
            return double.Parse(parsed.Fields[0].Value, System.Globalization.CultureInfo.InvariantCulture).Equals(value);
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData(35.5, "35.5")]
    [InlineData(0.1, "0.1")]
    [InlineData(-0.05, "-0.05")]
    [InlineData(229.25, "229.25")]
    [InlineData(1234567.000001, "1234567.000001")]
    [InlineData(100, "100")]
    [InlineData(0, "0")]
    [InlineData(-0.0, "-0")]
    [InlineData(1e20, "1E+20")]
    [InlineData(1.0 / 3, "0.3333333333333333")]
    [InlineData(5e-324, "5E-324")]
    public void FieldFloat_Values_FormattedToRoundTrip(double value, string expected)
    {
        _writer.Begin("m");
        _writer.FieldFloat("v", value);
        _writer.End(_output);

        Assert.Equal($"m v={expected}\n", Text);
    }

    [Fact]
    public void Property_DecimalFastPath_RoundTripsExactly()
    {
        // Values with few decimals, where the fast path is taken.
        Prop.ForAll<int, byte>((mantissa, decimals) =>
        {
            var value = mantissa / Math.Pow(10, decimals % 8);
            Span<byte> buffer = stackalloc byte[40];
            if (!LineProtocolWriter.TryFormatDecimal(value, buffer, out var written))
            {
                return true;
            }

            return double.Parse(Encoding.ASCII.GetString(buffer[..written]), System.Globalization.CultureInfo.InvariantCulture).Equals(value);
        }).QuickCheckThrowOnFailure();
    }

    private static bool IsAmbiguous(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && (i + 1 == s.Length || s[i + 1] is ',' or '=' or ' ' or '"'))
            {
                return true;
            }
        }

        return false;
    }
}
