using System.Globalization;
using IoTFireAlert.Telemetry.InfluxDb;
using IoTFireAlert.Telemetry.LineProtocol;
using IoTFireAlert.TestSupport;

namespace IoTFireAlert.Telemetry.IntegrationTests.InfluxDb;

/// <summary>The writer against a real influxd 1.x: round trip, rejected lines, outage, restart.</summary>
public sealed class InfluxDbWriterTests : IDisposable
{
    private const long BaseNs = 1_700_000_000_000_000_000;
    private readonly InfluxDbServer _influx = InfluxDbServer.Start();
    private readonly string _spill = TestOptions.TempDirectory();

    public void Dispose()
    {
        _influx.Dispose();
        Directory.Delete(_spill, recursive: true);
    }

    [Fact]
    public async Task Write_NastyValues_ReadBackEqualThroughInfluxQl()
    {
        await _influx.CreateDatabaseAsync("rt");
        var sites = new[] { "绍兴 柯桥区,华舍街道", "a=b c", "plain", "诸暨\\老街", "🔥 站" };
        var notes = new[] { "say \"hi\"", "back\\slash", "line1\nline2", "逗号,等号= 空格", "" };
        var lp = new LineProtocolWriter();
        var expected = new List<(long Ts, string Site, double F, long I, bool B, string S)>();
        await using (var writer = new InfluxDbWriter(TestOptions.V1(_influx.Url, "rt", _spill)))
        {
            for (var i = 0; i < 2_000; i++)
            {
                var batch = writer.RentBatch();
                for (var j = 0; j < 5; j++)
                {
                    var n = (i * 5) + j;
                    var ts = BaseNs + n;
                    var site = sites[n % sites.Length];
                    var f = (n * 0.1) - 333.333333333333;
                    var s = notes[n % notes.Length] + n.ToString(CultureInfo.InvariantCulture);
                    lp.Begin("elec fire,x");
                    lp.Tag("device_id", "D-" + (n % 7).ToString(CultureInfo.InvariantCulture));
                    lp.Tag("site", site);
                    lp.FieldFloat("cable temp=c", f);
                    lp.FieldInteger("count", -n);
                    lp.FieldBool("on", n % 3 == 0);
                    lp.FieldString("note", s);
                    lp.End(batch, ts);
                    expected.Add((ts, site, f, -n, n % 3 == 0, s));
                }

                await writer.WriteAsync(batch);
            }

            await writer.FlushAsync();
            Assert.Equal(10_000, writer.Metrics.LinesWritten);
            Assert.Equal(0, writer.Metrics.LinesSpilled);
        }

        using var json = await _influx.QueryAsync("SELECT \"cable temp=c\", \"count\", \"on\", \"note\", \"site\" FROM \"elec fire,x\" ORDER BY time", "rt");
        var series = json.RootElement.GetProperty("results")[0].GetProperty("series")[0];
        var columns = series.GetProperty("columns").EnumerateArray().Select(c => c.GetString()).ToList();
        Assert.Equal(["time", "cable temp=c", "count", "on", "note", "site"], columns);
        var rows = series.GetProperty("values").EnumerateArray().ToList();
        Assert.Equal(expected.Count, rows.Count);
        for (var k = 0; k < rows.Count; k++)
        {
            var row = rows[k];
            var e = expected[k];
            Assert.Equal(e.Ts, row[0].GetInt64());
            Assert.Equal(e.F, row[1].GetDouble());
            Assert.Equal(e.I, row[2].GetInt64());
            Assert.Equal(e.B, row[3].GetBoolean());
            Assert.Equal(e.S, row[4].GetString());
            Assert.Equal(e.Site, row[5].GetString());
        }
    }

    [Fact]
    public async Task Write_OneBadLineInBatch_GoodLinesWrittenBadOneDeadLettered()
    {
        await _influx.CreateDatabaseAsync("dl");
        var dead = new List<DeadLetter>();
        var lp = new LineProtocolWriter();
        await using (var writer = new InfluxDbWriter(TestOptions.V1(_influx.Url, "dl", _spill), dead.Add))
        {
            // Establish "v" as an integer field, then send a batch where line 37 writes it as a string.
            var first = writer.RentBatch();
            lp.Begin("m");
            lp.FieldInteger("v", 0);
            lp.End(first, BaseNs - 1);
            await writer.WriteAsync(first);
            await writer.FlushAsync();

            var batch = writer.RentBatch();
            for (var i = 0; i < 100; i++)
            {
                lp.Begin("m");
                if (i == 37)
                {
                    lp.FieldString("v", "not a number");
                }
                else
                {
                    lp.FieldInteger("v", i);
                }

                lp.End(batch, BaseNs + i);
            }

            // And one line that does not parse at all (hand-written, as a corrupt source might send).
            var garbage = "m v=1i,=broken 5\n"u8;
            garbage.CopyTo(batch.GetSpan(garbage.Length));
            batch.Advance(garbage.Length);
            batch.CommitLine();
            await writer.WriteAsync(batch);
            await writer.FlushAsync();
            Assert.Equal(2, writer.Metrics.LinesDeadLettered);
        }

        Assert.Equal(100, await _influx.CountAsync("dl", "m", "v"));
        Assert.Equal(2, dead.Count);
        var conflict = Assert.Single(dead, d => d.Line.Contains("not a number", StringComparison.Ordinal));
        Assert.Equal(400, conflict.StatusCode);
        Assert.Contains("field type conflict", conflict.Error, StringComparison.Ordinal);
        var broken = Assert.Single(dead, d => d.Line.Contains("broken", StringComparison.Ordinal));
        Assert.Contains("unable to parse", broken.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_InfluxdKilledMidStreamAndRestarted_EveryPointOnceAfterReplay()
    {
        await _influx.CreateDatabaseAsync("outage");
        const int Batches = 60;
        const int PerBatch = 500;
        var lp = new LineProtocolWriter();
        await using var writer = new InfluxDbWriter(TestOptions.V1(_influx.Url, "outage", _spill));
        for (var b = 0; b < Batches; b++)
        {
            if (b == 20)
            {
                _influx.Kill();
            }

            if (b == 45)
            {
                var spilled = await TestOptions.EventuallyAsync(() => Task.FromResult(writer.Metrics.LinesSpilled > 0), TimeSpan.FromSeconds(15));
                Assert.True(spilled, "lines written while influxd was down should have spilled");
                _influx.Launch();
            }

            var batch = writer.RentBatch();
            for (var i = 0; i < PerBatch; i++)
            {
                var n = (b * PerBatch) + i;
                lp.Begin("outage");
                lp.Tag("device_id", "D" + (n % 13).ToString(CultureInfo.InvariantCulture));
                lp.FieldInteger("n", n);
                lp.End(batch, BaseNs + n);
            }

            await writer.WriteAsync(batch);
            await Task.Delay(20);
        }

        await writer.FlushAsync();
        var replayed = await TestOptions.EventuallyAsync(() => Task.FromResult(writer.Metrics.SpillBacklogBytes == 0), TimeSpan.FromSeconds(60));
        Assert.True(replayed, $"spill not drained: {writer.Metrics.SpillBacklogBytes} bytes left; last error {writer.Metrics.LastError}");
        Assert.Equal(Batches * PerBatch, await _influx.CountAsync("outage", "outage", "n"));
        using var json = await _influx.QueryAsync("SELECT SUM(\"n\") FROM \"outage\"", "outage");
        const long Total = (long)Batches * PerBatch;
        Assert.Equal(Total * (Total - 1) / 2, json.RootElement.GetProperty("results")[0].GetProperty("series")[0].GetProperty("values")[0][1].GetInt64());
        Assert.True(writer.Metrics.LinesReplayed > 0);
    }

    [Fact]
    public async Task Start_WithSpilledSegmentsFromEarlierProcess_ReplaysThem()
    {
        await _influx.CreateDatabaseAsync("restart");
        var options = TestOptions.V1(_influx.Url, "restart", _spill);
        var lp = new LineProtocolWriter();
        _influx.Kill();
        await using (var writer = new InfluxDbWriter(options))
        {
            for (var b = 0; b < 10; b++)
            {
                var batch = writer.RentBatch();
                for (var i = 0; i < 300; i++)
                {
                    lp.Begin("restart");
                    lp.FieldInteger("n", (b * 300) + i);
                    lp.End(batch, BaseNs + (b * 300) + i);
                }

                await writer.WriteAsync(batch);
            }

            await writer.FlushAsync();
            Assert.Equal(3_000, writer.Metrics.LinesSpilled);
        }

        Assert.NotEmpty(Directory.EnumerateFiles(_spill, "*.spill"));
        _influx.Launch();
        await using (var restarted = new InfluxDbWriter(options))
        {
            var drained = await TestOptions.EventuallyAsync(() => Task.FromResult(restarted.Metrics.SpillBacklogBytes == 0), TimeSpan.FromSeconds(30));
            Assert.True(drained, $"spill not replayed: {restarted.Metrics.LastError}");
            Assert.Equal(3_000, restarted.Metrics.LinesReplayed);
        }

        Assert.Equal(3_000, await _influx.CountAsync("restart", "restart", "n"));
    }

    [Fact]
    public async Task Write_DatabaseMissing_LinesKeptNotDropped()
    {
        // A 404 ("database not found") is a configuration problem, not a bad line: keep the data.
        var lp = new LineProtocolWriter();
        var dead = new List<DeadLetter>();
        await using (var writer = new InfluxDbWriter(TestOptions.V1(_influx.Url, "later", _spill), dead.Add))
        {
            var batch = writer.RentBatch();
            lp.Begin("m");
            lp.FieldInteger("v", 1);
            lp.End(batch, BaseNs);
            await writer.WriteAsync(batch);
            await writer.FlushAsync();
            Assert.Equal(1, writer.Metrics.LinesSpilled);
            Assert.Contains("database not found", writer.Metrics.LastError, StringComparison.Ordinal);
            await _influx.CreateDatabaseAsync("later");
            Assert.True(await TestOptions.EventuallyAsync(() => Task.FromResult(writer.Metrics.SpillBacklogBytes == 0), TimeSpan.FromSeconds(20)));
        }

        Assert.Empty(dead);
        Assert.Equal(1, await _influx.CountAsync("later", "m", "v"));
    }
}
