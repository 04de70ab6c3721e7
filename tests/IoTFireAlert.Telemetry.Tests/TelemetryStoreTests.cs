using IoTFireAlert.Ingestion.Readings;
using IoTFireAlert.Telemetry.InfluxDb;
using IoTFireAlert.Telemetry.Points;
using IoTFireAlert.Telemetry.Sqlite;
using Microsoft.Data.Sqlite;

namespace IoTFireAlert.Telemetry.Tests;

public sealed class TelemetryStoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "iotfire-store-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task Open_DefaultSqlite_SinkAndReaderAreTheSameStore()
    {
        var options = new TelemetryOptions { Sqlite = { Path = Path.Combine(_dir, "t.db") } };
        await using var store = TelemetryStore.Open(options);
        var batch = new DecodedBatch();
        ref var report = ref batch.BeginReport("SD-1");
        report.Flags = ReportFlags.HasTimestamp;
        report.TimestampUnixMs = 1_000;
        batch.Add(new Reading(Signal.BatteryPercent, 80));
        await store.Sink.WriteReadingsAsync(batch, new DeviceTags?[] { new("SD-1", DeviceKind.SmokeDetector, "v") }, 0);
        await store.Sink.FlushAsync();

        Assert.IsType<SqliteTelemetryStore>(store.Sink);
        var point = Assert.Single(await store.Reader.ReadAsync("SD-1", DateTimeOffset.FromUnixTimeMilliseconds(0), DateTimeOffset.FromUnixTimeMilliseconds(2_000)));
        Assert.Equal(new SeriesPoint(DateTimeOffset.FromUnixTimeMilliseconds(1_000), "battery_pct", 80), point);
    }

    [Fact]
    public void Open_InfluxDbWithoutBucket_ThrowsWithEveryProblem()
    {
        var options = new TelemetryOptions
        {
            Store = TelemetryStoreKind.InfluxDb,
            InfluxDb = new InfluxDbOptions { ApiVersion = InfluxApiVersion.V2, Url = "ftp://x", SpillDirectory = Path.Combine(_dir, "spill") },
        };

        var error = Assert.Throws<ArgumentException>(() => TelemetryStore.Open(options));

        Assert.Contains("Bucket", error.Message, StringComparison.Ordinal);
        Assert.Contains("Url", error.Message, StringComparison.Ordinal);
    }
}
