using IoTFireAlert.Telemetry.InfluxDb;
using IoTFireAlert.Telemetry.LineProtocol;

namespace IoTFireAlert.Telemetry.IntegrationTests.InfluxDb;

/// <summary>Writer options for tests: short intervals so outages and replays happen within seconds.</summary>
internal static class TestOptions
{
    public static InfluxDbOptions V1(string url, string database, string spillDirectory) => new()
    {
        Url = url,
        ApiVersion = InfluxApiVersion.V1,
        Database = database,
        Precision = TimestampPrecision.Nanoseconds,
        FlushInterval = TimeSpan.FromMilliseconds(100),
        RetryBaseDelay = TimeSpan.FromMilliseconds(50),
        RetryMaxDelay = TimeSpan.FromMilliseconds(500),
        MaxRetryAttempts = 2,
        RequestTimeout = TimeSpan.FromSeconds(5),
        ReplayInterval = TimeSpan.FromMilliseconds(200),
        SpillDirectory = spillDirectory,
        SpillSegmentBytes = 64 * 1024,
    };

    public static string TempDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "iotfire-spill-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Polls <paramref name="condition"/> until true or the time is up; returns the last result.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await condition())
            {
                return true;
            }

            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(100);
        }
    }
}
