namespace IoTFireAlert.Ingestion.Decoders;

/// <summary>
/// The 6-byte GB/T 26875.3 time label: second, minute, hour, day, month, year - 2000, in the
/// transmission device's local time (China Standard Time, UTC+8, unless configured otherwise).
/// </summary>
public static class Gbt26875TimeLabel
{
    public const int Length = 6;

    /// <summary>Reads a label; false when a field is out of range. All-zero labels mean "no time" (ok, no value).</summary>
    public static bool TryRead(ReadOnlySpan<byte> label, TimeSpan utcOffset, out long unixMs, out bool present)
    {
        unixMs = 0;
        present = false;
        int second = label[0], minute = label[1], hour = label[2], day = label[3], month = label[4], year = 2000 + label[5];
        if ((second | minute | hour | day | month | label[5]) == 0)
        {
            return true;
        }

        if (second > 59 || minute > 59 || hour > 23 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified);
        unixMs = ((local.Ticks - utcOffset.Ticks) - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond;
        present = true;
        return true;
    }

    /// <summary>Writes <paramref name="unixMs"/> as a label (0 writes the all-zero "no time" label).</summary>
    public static void Write(Span<byte> destination, long unixMs, TimeSpan utcOffset)
    {
        if (unixMs == 0)
        {
            destination[..Length].Clear();
            return;
        }

        var local = DateTime.UnixEpoch.AddMilliseconds(unixMs) + utcOffset;
        if (local.Year is < 2000 or > 2255)
        {
            throw new ArgumentOutOfRangeException(nameof(unixMs), "GB/T 26875.3 time labels cover 2000-2255.");
        }

        destination[0] = (byte)local.Second;
        destination[1] = (byte)local.Minute;
        destination[2] = (byte)local.Hour;
        destination[3] = (byte)local.Day;
        destination[4] = (byte)local.Month;
        destination[5] = (byte)(local.Year - 2000);
    }
}
