using System.Globalization;
using IoTFireAlert.Telemetry.InfluxDb;
using IoTFireAlert.Telemetry.LineProtocol;
using IoTFireAlert.TestSupport;

namespace IoTFireAlert.Telemetry.IntegrationTests.InfluxDb;

/// <summary>The 2.x write path (<c>/api/v2/write</c>, token header, gzip) against a real victoria-metrics.</summary>
public sealed class InfluxDbWriterV2Tests : IDisposable
{
    private readonly VictoriaMetricsServer _vm = VictoriaMetricsServer.Start();
    private readonly string _spill = TestOptions.TempDirectory();

    public void Dispose()
    {
        _vm.Dispose();
        Directory.Delete(_spill, recursive: true);
    }

    [Fact]
    public async Task WriteV2_ReadBackFromVictoriaMetrics_EveryValue()
    {
        var options = new InfluxDbOptions
        {
            Url = _vm.Url,
            ApiVersion = InfluxApiVersion.V2,
            Org = "iotfire",
            Bucket = "telemetry",
            Token = "secret-token",
            Precision = TimestampPrecision.Milliseconds,
            FlushInterval = TimeSpan.FromMilliseconds(100),
            SpillDirectory = _spill,
            BatchSize = 1_000,
        };
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-30).ToUnixTimeMilliseconds();
        var lp = new LineProtocolWriter();
        await using (var writer = new InfluxDbWriter(options))
        {
            for (var b = 0; b < 5; b++)
            {
                var batch = writer.RentBatch();
                for (var i = 0; i < 500; i++)
                {
                    var n = (b * 500) + i;
                    lp.Begin("electrical_fire");
                    lp.Tag("device_id", "EF-" + (n % 5).ToString(CultureInfo.InvariantCulture));
                    lp.Tag("site", "柯桥 区");
                    lp.FieldFloat("residual_current_ma", n * 0.25);
                    lp.FieldInteger("seq", n);
                    lp.End(batch, t0 + n);
                }

                await writer.WriteAsync(batch);
            }

            await writer.FlushAsync();
            Assert.Equal(2_500, writer.Metrics.LinesWritten);
            Assert.Equal(3, writer.Metrics.BatchesWritten);
        }

        var samples = new Dictionary<long, double>();
        var ok = await TestOptions.EventuallyAsync(
            async () =>
            {
                samples.Clear();
                foreach (var doc in await _vm.ExportAsync("{__name__=\"electrical_fire_residual_current_ma\"}"))
                {
                    using (doc)
                    {
                        var metric = doc.RootElement.GetProperty("metric");
                        Assert.Equal("柯桥 区", metric.GetProperty("site").GetString());
                        var device = metric.GetProperty("device_id").GetString()!;
                        var values = doc.RootElement.GetProperty("values").EnumerateArray().ToList();
                        var times = doc.RootElement.GetProperty("timestamps").EnumerateArray().ToList();
                        for (var k = 0; k < values.Count; k++)
                        {
                            var n = times[k].GetInt64() - t0;
                            Assert.Equal("EF-" + (n % 5).ToString(CultureInfo.InvariantCulture), device);
                            samples[n] = values[k].GetDouble();
                        }
                    }
                }

                return samples.Count == 2_500;
            },
            TimeSpan.FromSeconds(20));

        Assert.True(ok, $"victoria-metrics returned {samples.Count} of 2500 samples");
        for (var n = 0; n < 2_500; n++)
        {
            Assert.Equal(n * 0.25, samples[n]);
        }
    }
}
