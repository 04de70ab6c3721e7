namespace IoTFireAlert.Telemetry.LineProtocol;

/// <summary>Conversions between Unix time and the integer a line carries in a given precision.</summary>
public static class LineTimestamp
{
    /// <summary>The query-parameter spelling (1.x and 2.x agree on these four).</summary>
    public static string QueryValue(this TimestampPrecision precision) => precision switch
    {
        TimestampPrecision.Nanoseconds => "ns",
        TimestampPrecision.Microseconds => "us",
        TimestampPrecision.Milliseconds => "ms",
        TimestampPrecision.Seconds => "s",
        _ => throw new ArgumentOutOfRangeException(nameof(precision)),
    };

    public static long FromUnixMilliseconds(long unixMs, TimestampPrecision precision) => precision switch
    {
        TimestampPrecision.Nanoseconds => checked(unixMs * 1_000_000),
        TimestampPrecision.Microseconds => checked(unixMs * 1_000),
        TimestampPrecision.Milliseconds => unixMs,
        TimestampPrecision.Seconds => Math.DivRem(unixMs, 1000, out var rem) - (rem < 0 ? 1 : 0),
        _ => throw new ArgumentOutOfRangeException(nameof(precision)),
    };

    public static long FromDateTimeOffset(DateTimeOffset time, TimestampPrecision precision)
    {
        // Ticks are 100 ns since 0001-01-01; work from the Unix epoch in ticks to keep full precision.
        var ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return precision switch
        {
            TimestampPrecision.Nanoseconds => checked(ticks * 100),
            TimestampPrecision.Microseconds => FloorDiv(ticks, 10),
            TimestampPrecision.Milliseconds => FloorDiv(ticks, TimeSpan.TicksPerMillisecond),
            TimestampPrecision.Seconds => FloorDiv(ticks, TimeSpan.TicksPerSecond),
            _ => throw new ArgumentOutOfRangeException(nameof(precision)),
        };
    }

    public static DateTimeOffset ToDateTimeOffset(long timestamp, TimestampPrecision precision) => precision switch
    {
        TimestampPrecision.Nanoseconds => DateTimeOffset.UnixEpoch.AddTicks(timestamp / 100),
        TimestampPrecision.Microseconds => DateTimeOffset.UnixEpoch.AddTicks(timestamp * 10),
        TimestampPrecision.Milliseconds => DateTimeOffset.FromUnixTimeMilliseconds(timestamp),
        TimestampPrecision.Seconds => DateTimeOffset.FromUnixTimeSeconds(timestamp),
        _ => throw new ArgumentOutOfRangeException(nameof(precision)),
    };

    private static long FloorDiv(long value, long divisor)
    {
        var q = Math.DivRem(value, divisor, out var rem);
        return rem < 0 ? q - 1 : q;
    }
}
