using IoTFireAlert.Ingestion.Alarms;
using IoTFireAlert.Ingestion.Readings;
using IoTFireAlert.Telemetry.InfluxDb;
using IoTFireAlert.Telemetry.LineProtocol;
using IoTFireAlert.Telemetry.Points;
using IoTFireAlert.TestSupport;

namespace IoTFireAlert.Telemetry.IntegrationTests.InfluxDb;

/// <summary>Readings in through <see cref="InfluxDbTelemetrySink"/>, out through <see cref="InfluxDbReader"/> (InfluxQL), on a real influxd.</summary>
public sealed class InfluxDbSinkAndReaderTests : IDisposable
{
    private readonly InfluxDbServer _influx = InfluxDbServer.Start();
    private readonly string _spill = TestOptions.TempDirectory();

    public void Dispose()
    {
        _influx.Dispose();
        Directory.Delete(_spill, recursive: true);
    }

    [Fact]
    public async Task Readings_WrittenThroughSink_ReadBackByDeviceRangeAndField()
    {
        await _influx.CreateDatabaseAsync("iot");
        var options = TestOptions.V1(_influx.Url, "iot", _spill);
        options.Precision = TimestampPrecision.Milliseconds;
        var ef = new DeviceTags("EF-1", DeviceKind.ElectricalFireMonitor, "acme", "绍兴 柯桥区", "G,1");
        var cp = new DeviceTags("CP-1", DeviceKind.ChargingPile, "acme", "诸暨");
        var t0 = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds();
        var sink = new InfluxDbTelemetrySink(new InfluxDbWriter(options));
        await using (sink)
        {
            var batch = new DecodedBatch();
            for (var i = 0; i < 20; i++)
            {
                batch.Clear();
                ref var r1 = ref batch.BeginReport("EF-1");
                r1.Flags = ReportFlags.HasTimestamp;
                r1.TimestampUnixMs = t0 + (i * 1000);
                batch.Add(new Reading(Signal.ResidualCurrentMilliamps, 100 + (i * 0.5)));
                batch.Add(new Reading(Signal.CableTemperatureCelsius, 45.25, 1));
                ref var r2 = ref batch.BeginReport("CP-1");
                r2.Flags = ReportFlags.HasTimestamp;
                r2.TimestampUnixMs = t0 + (i * 1000);
                batch.Add(new Reading(Signal.PortTemperatureCelsius, 60 + i, 2));
                batch.Add(new Reading(Signal.SmokeAlarm, i == 5 ? 1 : 0));
                await sink.WriteReadingsAsync(batch, new DeviceTags?[] { ef, cp }, 0);
            }

            await sink.WritePositionsAsync(new[] { new FleetPosition("V-1", t0, 30.1, 120.2, 40, 90, "dispatched") });
            await sink.WriteAlarmEventAsync(new AlarmEvent(ef, new AlarmTransition(AlarmType.ResidualCurrentAlarm, Severity.Major, AlarmCondition.Raised, 300, t0)));
            await sink.FlushAsync();
            Assert.Equal(42, sink.Writer.Metrics.LinesWritten);
        }

        using var reader = new InfluxDbReader(options);
        var from = DateTimeOffset.FromUnixTimeMilliseconds(t0 + 3000);
        var to = DateTimeOffset.FromUnixTimeMilliseconds(t0 + 6000);
        var ef3 = await reader.ReadAsync("EF-1", from, to);
        Assert.Equal(
            [
                new SeriesPoint(from, "cable_temp_c_1", 45.25), new SeriesPoint(from, "residual_current_ma", 101.5),
                new SeriesPoint(from.AddSeconds(1), "cable_temp_c_1", 45.25), new SeriesPoint(from.AddSeconds(1), "residual_current_ma", 102),
                new SeriesPoint(from.AddSeconds(2), "cable_temp_c_1", 45.25), new SeriesPoint(from.AddSeconds(2), "residual_current_ma", 102.5),
            ],
            ef3);

        var port = await reader.ReadAsync("CP-1", DateTimeOffset.FromUnixTimeMilliseconds(t0), DateTimeOffset.FromUnixTimeMilliseconds(t0 + 60_000), "port_temp_c_2");
        Assert.Equal(Enumerable.Range(60, 20).Select(v => (double)v), port.Select(p => p.Value));
        var smoke = await reader.ReadAsync("CP-1", DateTimeOffset.FromUnixTimeMilliseconds(t0), DateTimeOffset.FromUnixTimeMilliseconds(t0 + 60_000), "smoke");
        Assert.Equal(1, smoke.Single(p => p.Value == 1).Time.ToUnixTimeMilliseconds() - t0 - 4999);

        using var alarms = await _influx.QueryAsync("SELECT \"condition\", \"severity\", \"type\", \"site\" FROM \"alarm_event\"", "iot");
        var row = alarms.RootElement.GetProperty("results")[0].GetProperty("series")[0].GetProperty("values")[0];
        Assert.Equal("raised", row[1].GetString());
        Assert.Equal(2, row[2].GetInt32());
        Assert.Equal("residual_current_alarm", row[3].GetString());
        Assert.Equal("绍兴 柯桥区", row[4].GetString());
        Assert.Equal(1, await _influx.CountAsync("iot", "fleet_position", "lat"));
    }
}
