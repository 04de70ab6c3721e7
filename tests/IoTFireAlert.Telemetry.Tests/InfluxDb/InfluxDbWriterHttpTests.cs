using System.Text;
using IoTFireAlert.Telemetry.InfluxDb;
using IoTFireAlert.Telemetry.LineProtocol;

namespace IoTFireAlert.Telemetry.Tests.InfluxDb;

/// <summary>Request shape, retries and back-pressure of the writer against a scripted endpoint.</summary>
public sealed class InfluxDbWriterHttpTests : IDisposable
{
    private readonly string _spill = Path.Combine(Path.GetTempPath(), "iotfire-spill-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        if (Directory.Exists(_spill))
        {
            Directory.Delete(_spill, recursive: true);
        }
    }

    private InfluxDbOptions Options(string url, InfluxApiVersion version) => new()
    {
        Url = url,
        ApiVersion = version,
        Database = "db 1",
        RetentionPolicy = "autogen",
        Username = "u",
        Password = "p",
        Org = "my org",
        Bucket = "b",
        Token = "tok",
        Precision = TimestampPrecision.Milliseconds,
        FlushInterval = TimeSpan.FromMilliseconds(50),
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        RetryMaxDelay = TimeSpan.FromSeconds(5),
        MaxRetryAttempts = 3,
        SpillDirectory = _spill,
    };

    private static async Task WriteLinesAsync(InfluxDbWriter writer, int count, int offset = 0)
    {
        var lp = new LineProtocolWriter();
        var batch = writer.RentBatch();
        for (var i = 0; i < count; i++)
        {
            lp.Begin("m");
            lp.FieldInteger("v", offset + i);
            lp.End(batch, offset + i);
        }

        await writer.WriteAsync(batch);
    }

    [Fact]
    public async Task Write_V2_PathTokenAndGzipBody()
    {
        using var server = new FakeInfluxServer((_, r) => { r.StatusCode = 204; return Task.CompletedTask; });
        await using (var writer = new InfluxDbWriter(Options(server.Url, InfluxApiVersion.V2)))
        {
            await WriteLinesAsync(writer, 3);
            await writer.FlushAsync();
        }

        var request = Assert.Single(server.Requests);
        Assert.Equal("/api/v2/write?org=my%20org&bucket=b&precision=ms", request.PathAndQuery);
        Assert.Equal("Token tok", request.Authorization);
        Assert.Equal("gzip", request.ContentEncoding);
        Assert.Equal("m v=0i 0\nm v=1i 1\nm v=2i 2\n", request.Body);
    }

    [Fact]
    public async Task Write_V1_PathAndBasicAuth()
    {
        using var server = new FakeInfluxServer((_, r) => { r.StatusCode = 204; return Task.CompletedTask; });
        var options = Options(server.Url, InfluxApiVersion.V1);
        options.Gzip = false;
        await using (var writer = new InfluxDbWriter(options))
        {
            await WriteLinesAsync(writer, 1);
            await writer.FlushAsync();
        }

        var request = Assert.Single(server.Requests);
        Assert.Equal("/write?db=db%201&rp=autogen&precision=ms", request.PathAndQuery);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("u:p")), request.Authorization);
        Assert.Null(request.ContentEncoding);
    }

    [Fact]
    public async Task Write_429WithRetryAfterThen503_RetriedAndDelivered()
    {
        using var server = new FakeInfluxServer((i, r) =>
        {
            switch (i)
            {
                case 0:
                    r.StatusCode = 429;
                    r.Headers["Retry-After"] = "1";
                    break;
                case 1:
                    r.StatusCode = 503;
                    break;
                default:
                    r.StatusCode = 204;
                    break;
            }

            return Task.CompletedTask;
        });
        await using var writer = new InfluxDbWriter(Options(server.Url, InfluxApiVersion.V2));
        await WriteLinesAsync(writer, 10);
        await writer.FlushAsync();

        Assert.Equal(3, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.Equal(server.Requests[0].Body, r.Body));
        Assert.Equal(2, writer.Metrics.Retries);
        Assert.Equal(10, writer.Metrics.LinesWritten);
        Assert.Equal(0, writer.Metrics.LinesSpilled);
        // Retry-After: 1 is honoured over the 10 ms back-off.
        Assert.True(server.Requests[1].ArrivedUtc - server.Requests[0].ArrivedUtc >= TimeSpan.FromMilliseconds(900));
    }

    [Fact]
    public async Task Write_ServerAlways500_SpilledNotLostThenReplayedInOrder()
    {
        var healthy = false;
        using var server = new FakeInfluxServer((_, r) => { r.StatusCode = Volatile.Read(ref healthy) ? 204 : 500; return Task.CompletedTask; });
        var options = Options(server.Url, InfluxApiVersion.V2);
        options.ReplayInterval = TimeSpan.FromMilliseconds(100);
        options.MaxRetryAttempts = 1;
        await using var writer = new InfluxDbWriter(options);
        await WriteLinesAsync(writer, 5, 0);
        await writer.FlushAsync();
        await WriteLinesAsync(writer, 5, 5);
        await writer.FlushAsync();
        Assert.Equal(10, writer.Metrics.LinesSpilled);
        Assert.Equal(0, writer.Metrics.LinesWritten);

        Volatile.Write(ref healthy, true);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (writer.Metrics.LinesReplayed < 10 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(10, writer.Metrics.LinesReplayed);
        var delivered = server.Requests.Skip(server.Requests.Count - 2).Select(r => r.Body).ToList();
        Assert.Equal("m v=0i 0\nm v=1i 1\nm v=2i 2\nm v=3i 3\nm v=4i 4\n", delivered[0]);
        Assert.StartsWith("m v=5i 5\n", delivered[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_QueueFull_WaitsUntilServerAnswers()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var server = new FakeInfluxServer(async (_, r) =>
        {
            await release.Task;
            r.StatusCode = 204;
        });
        var options = Options(server.Url, InfluxApiVersion.V2);
        options.MaxPendingBatches = 2;
        options.BatchSize = 1;
        options.RequestTimeout = TimeSpan.FromSeconds(30);
        await using var writer = new InfluxDbWriter(options);

        // The send task holds one batch in a stalled request; two more fill the queue; the next must wait.
        await WriteLinesAsync(writer, 1, 0);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (server.Requests.Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        await WriteLinesAsync(writer, 1, 1);
        await WriteLinesAsync(writer, 1, 2);
        var blocked = WriteLinesAsync(writer, 1, 3);
        await Task.Delay(300);
        Assert.False(blocked.IsCompleted, "a write into a full queue should wait");

        release.SetResult();
        await blocked.WaitAsync(TimeSpan.FromSeconds(10));
        await writer.FlushAsync();
        Assert.Equal(4, writer.Metrics.LinesWritten);
    }

    [Fact]
    public async Task Write_400OnOneLineAndThrowingCallback_GoodLinesWrittenWriterKeepsGoing()
    {
        // Like InfluxDB 2.x: any request holding the bad line is refused whole with a JSON message.
        var accepted = new List<string>();
        using var server = new FakeInfluxServer(async (_, request, response) =>
        {
            if (request.Body.Contains("v=6i", StringComparison.Ordinal))
            {
                response.StatusCode = 400;
                var json = Encoding.UTF8.GetBytes("{\"code\":\"invalid\",\"message\":\"unable to parse 'm v=6i': bad\"}");
                await response.OutputStream.WriteAsync(json);
                return;
            }

            lock (accepted)
            {
                accepted.AddRange(request.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            }

            response.StatusCode = 204;
        });
        var dead = new List<DeadLetter>();
        await using var writer = new InfluxDbWriter(Options(server.Url, InfluxApiVersion.V2), d =>
        {
            dead.Add(d);
            throw new InvalidOperationException("a bug in the callback");
        });

        await WriteLinesAsync(writer, 13);
        await writer.FlushAsync();
        await WriteLinesAsync(writer, 2, 100);
        await writer.FlushAsync();

        var letter = Assert.Single(dead);
        Assert.Equal("m v=6i 6", letter.Line);
        Assert.Equal(400, letter.StatusCode);
        Assert.Equal("unable to parse 'm v=6i': bad", letter.Error);
        Assert.Equal(14, writer.Metrics.LinesWritten);
        Assert.Equal(Enumerable.Range(0, 13).Where(i => i != 6).Concat([100, 101]).Select(i => $"m v={i}i {i}"), accepted.Order(StringComparer.Ordinal).OrderBy(l => int.Parse(l.Split(' ')[^1], System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Options_Invalid_ClearMessages()
    {
        var errors = new InfluxDbOptions { Url = "not a url", ApiVersion = InfluxApiVersion.V2, BatchSize = 0, SpillDirectory = "" }.Validate();

        Assert.Contains(errors, e => e.Contains("Url", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Bucket", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Org", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("BatchSize", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("SpillDirectory", StringComparison.Ordinal));
        Assert.Empty(new InfluxDbOptions().Validate());
    }

    [Fact]
    public void ParseFluxCsv_TwoTables_PointsSortedBoolsAsNumbers()
    {
        var csv = ",result,table,_time,_field,_value\r\n" +
                  ",_result,0,2024-01-01T00:00:01Z,residual_current_ma,12.5\r\n" +
                  ",_result,0,2024-01-01T00:00:00Z,residual_current_ma,11\r\n" +
                  "\r\n" +
                  ",result,table,_time,_field,_value\r\n" +
                  ",_result,1,2024-01-01T00:00:00Z,smoke,true\r\n" +
                  ",_result,1,2024-01-01T00:00:00Z,\"odd,name\",3\r\n";

        var points = InfluxDbReader.ParseFluxCsv(csv);

        var t0 = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(
            [
                new SeriesPoint(t0, "odd,name", 3), new SeriesPoint(t0, "residual_current_ma", 11),
                new SeriesPoint(t0, "smoke", 1), new SeriesPoint(t0.AddSeconds(1), "residual_current_ma", 12.5),
            ],
            points);
    }

    [Fact]
    public void InfluxQl_QuotesDeviceIdAndField()
    {
        var q = InfluxDbReader.InfluxQl("a'b\\c", DateTimeOffset.FromUnixTimeMilliseconds(1000), DateTimeOffset.FromUnixTimeMilliseconds(2000), "x\"y");

        Assert.StartsWith("SELECT \"x\\\"y\" FROM \"unknown_device\",\"smoke_detector\"", q, StringComparison.Ordinal);
        Assert.EndsWith("WHERE \"device_id\" = 'a\\'b\\\\c' AND time >= 1000ms AND time < 2000ms", q, StringComparison.Ordinal);
    }
}
