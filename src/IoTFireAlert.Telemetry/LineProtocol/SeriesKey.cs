using System.Text;

namespace IoTFireAlert.Telemetry.LineProtocol;

/// <summary>
/// A measurement and its tag set, escaped and sorted once (e.g. when a device is registered) so
/// each point only appends fields and a timestamp to these bytes.
/// </summary>
public sealed class SeriesKey
{
    private SeriesKey(byte[] utf8, string measurement)
    {
        Utf8Bytes = utf8;
        Measurement = measurement;
    }

    public string Measurement { get; }

    /// <summary>The escaped bytes, e.g. <c>smoke_detector,device_id=SD-1,site=西湖区</c>.</summary>
    public ReadOnlySpan<byte> Utf8 => Utf8Bytes;

    internal byte[] Utf8Bytes { get; }

    /// <summary>Builds a key; tags are sorted by key here, and empty values are left out as the spec asks.</summary>
    public static SeriesKey Create(string measurement, params ReadOnlySpan<KeyValuePair<string, string>> tags)
    {
        var sorted = tags.ToArray();
        Array.Sort(sorted, static (a, b) => Encoding.UTF8.GetBytes(a.Key).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b.Key)));
        var writer = new LineProtocolWriter();
        writer.Begin(measurement);
        foreach (var (key, value) in sorted)
        {
            writer.Tag(key, value);
        }

        var bytes = writer.Pending.ToArray();
        writer.Reset();
        return new SeriesKey(bytes, measurement);
    }

    public override string ToString() => Encoding.UTF8.GetString(Utf8Bytes);
}
