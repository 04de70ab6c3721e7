namespace IoTFireAlert.Ingestion.Readings;

/// <summary>
/// Reusable output of a decoder: reports, their readings and their device ids, in flat arrays
/// that grow once and are then reused, so steady-state decoding allocates nothing.
/// Owned by one partition task; not thread-safe.
/// </summary>
public sealed class DecodedBatch
{
    private DeviceReport[] _reports = new DeviceReport[4];
    private Reading[] _readings = new Reading[32];
    private char[] _ids = new char[256];
    private int _idLength;
    private int _readingCount;

    public int Count { get; private set; }

    public ref DeviceReport this[int index] => ref _reports[index];

    public ReadOnlySpan<char> DeviceId(in DeviceReport report) => _ids.AsSpan(report.DeviceIdStart, report.DeviceIdLength);

    public ReadOnlySpan<Reading> Readings(in DeviceReport report) => _readings.AsSpan(report.ReadingStart, report.ReadingCount);

    public void Clear()
    {
        Count = 0;
        _readingCount = 0;
        _idLength = 0;
    }

    /// <summary>Starts a report for <paramref name="deviceId"/>; readings added next belong to it.</summary>
    public ref DeviceReport BeginReport(ReadOnlySpan<char> deviceId)
    {
        if (Count == _reports.Length)
        {
            Array.Resize(ref _reports, _reports.Length * 2);
        }

        EnsureIdCapacity(deviceId.Length);
        deviceId.CopyTo(_ids.AsSpan(_idLength));
        ref var report = ref _reports[Count++];
        report = new DeviceReport
        {
            DeviceIdStart = _idLength,
            DeviceIdLength = deviceId.Length,
            ReadingStart = _readingCount,
        };
        _idLength += deviceId.Length;
        return ref report;
    }

    /// <summary>Room to format a device id in place (e.g. a GB/T component id); commit with <see cref="BeginReport(int)"/>.</summary>
    public Span<char> DeviceIdScratch(int maxLength)
    {
        EnsureIdCapacity(maxLength);
        return _ids.AsSpan(_idLength, maxLength);
    }

    /// <summary>Starts a report whose id was written into <see cref="DeviceIdScratch"/>.</summary>
    public ref DeviceReport BeginReport(int deviceIdLength)
    {
        if (Count == _reports.Length)
        {
            Array.Resize(ref _reports, _reports.Length * 2);
        }

        ref var report = ref _reports[Count++];
        report = new DeviceReport
        {
            DeviceIdStart = _idLength,
            DeviceIdLength = deviceIdLength,
            ReadingStart = _readingCount,
        };
        _idLength += deviceIdLength;
        return ref report;
    }

    /// <summary>Adds a reading to the report begun last.</summary>
    public void Add(Reading reading)
    {
        if (Count == 0)
        {
            throw new InvalidOperationException("BeginReport before adding readings.");
        }

        if (_readingCount == _readings.Length)
        {
            Array.Resize(ref _readings, _readings.Length * 2);
        }

        _readings[_readingCount++] = reading;
        _reports[Count - 1].ReadingCount++;
    }

    private void EnsureIdCapacity(int extra)
    {
        if (_idLength + extra > _ids.Length)
        {
            Array.Resize(ref _ids, Math.Max(_ids.Length * 2, _idLength + extra));
        }
    }
}
