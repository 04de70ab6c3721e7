using System.Text;

namespace IoTFireAlert.Telemetry.Tests.LineProtocol;

/// <summary>
/// An independent reader of line protocol written from the spec and the 1.x parser's rules
/// (a backslash escapes ',', '=', ' ' and '"' in names; '"' and '\' in string values), used to check
/// that what the writer escapes reads back to the original text.
/// </summary>
public static class LineProtocolReader
{
    public static ParsedLine Parse(string line)
    {
        if (line.EndsWith('\n'))
        {
            line = line[..^1];
        }

        var i = 0;
        var measurement = ReadName(line, ref i, stopOnEquals: false);
        var tags = new List<KeyValuePair<string, string>>();
        while (i < line.Length && line[i] == ',')
        {
            i++;
            var key = ReadName(line, ref i, stopOnEquals: true);
            Expect(line, ref i, '=');
            var value = ReadName(line, ref i, stopOnEquals: true);
            tags.Add(new(key, value));
        }

        Expect(line, ref i, ' ');
        var fields = new List<KeyValuePair<string, string>>();
        while (true)
        {
            var key = ReadName(line, ref i, stopOnEquals: true);
            Expect(line, ref i, '=');
            fields.Add(new(key, ReadFieldValue(line, ref i)));
            if (i < line.Length && line[i] == ',')
            {
                i++;
                continue;
            }

            break;
        }

        long? timestamp = null;
        if (i < line.Length)
        {
            Expect(line, ref i, ' ');
            timestamp = long.Parse(line[i..], System.Globalization.CultureInfo.InvariantCulture);
        }

        return new ParsedLine(measurement, tags, fields, timestamp);
    }

    /// <summary>The text of a string field value as written (with quotes), unescaped.</summary>
    public static string UnquoteString(string raw)
    {
        if (raw.Length < 2 || raw[0] != '"' || raw[^1] != '"')
        {
            throw new FormatException($"not a string field: {raw}");
        }

        var sb = new StringBuilder();
        for (var i = 1; i < raw.Length - 1; i++)
        {
            if (raw[i] == '\\' && i + 1 < raw.Length - 1 && raw[i + 1] is '"' or '\\')
            {
                i++;
            }

            sb.Append(raw[i]);
        }

        return sb.ToString();
    }

    private static string ReadName(string line, ref int i, bool stopOnEquals)
    {
        var sb = new StringBuilder();
        while (i < line.Length)
        {
            var c = line[i];
            if (c == '\\' && i + 1 < line.Length && line[i + 1] is ',' or '=' or ' ' or '"')
            {
                sb.Append(line[i + 1]);
                i += 2;
                continue;
            }

            if (c is ',' or ' ' || (stopOnEquals && c == '='))
            {
                break;
            }

            if (c == '\n')
            {
                throw new FormatException("raw newline in a name");
            }

            sb.Append(c);
            i++;
        }

        return sb.ToString();
    }

    private static string ReadFieldValue(string line, ref int i)
    {
        var start = i;
        if (line[i] == '"')
        {
            i++;
            while (line[i] != '"')
            {
                i += line[i] == '\\' ? 2 : 1;
            }

            i++;
            return line[start..i];
        }

        while (i < line.Length && line[i] is not (',' or ' '))
        {
            i++;
        }

        return line[start..i];
    }

    private static void Expect(string line, ref int i, char c)
    {
        if (i >= line.Length || line[i] != c)
        {
            throw new FormatException($"expected '{c}' at {i} in: {line}");
        }

        i++;
    }
}
