using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using IoTFireAlert.InfluxThroughput;
using IoTFireAlert.Telemetry.InfluxDb;
using IoTFireAlert.Telemetry.LineProtocol;

// Usage:
//   gen    --points N --batch 5000 --gzip true --out DIR        writes DIR/batch-000000.lp[.gz], one request body each
//   writer --points N --batch 5000 --gzip true --url URL --db DB  sends the same lines through InfluxDbWriter;
//                                                                 prints one line of JSON with its figures
var mode = args.Length > 0 ? args[0] : "writer";
var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 1; i + 1 < args.Length; i += 2)
{
    options[args[i].TrimStart('-')] = args[i + 1];
}

var points = long.Parse(options.GetValueOrDefault("points", "1000000"), CultureInfo.InvariantCulture);
var batchSize = int.Parse(options.GetValueOrDefault("batch", "5000"), CultureInfo.InvariantCulture);
var gzip = bool.Parse(options.GetValueOrDefault("gzip", "true"));
const long BaseNs = 1_700_000_000_000_000_000;
var lp = new LineProtocolWriter();

// Both sides get the same request bodies: serialized up front, outside the timed part.
var batches = new List<LineBatch>();
for (long start = 0; start < points; start += batchSize)
{
    var count = (int)Math.Min(batchSize, points - start);
    var batch = new LineBatch(count * 160, count);
    ThroughputPoints.Fill(lp, batch, start, count, BaseNs);
    batches.Add(batch);
}

switch (mode)
{
    case "gen":
    {
        var dir = options["out"];
        Directory.CreateDirectory(dir);
        for (var i = 0; i < batches.Count; i++)
        {
            var path = Path.Combine(dir, $"batch-{i:D6}.lp" + (gzip ? ".gz" : ""));
            using var file = File.Create(path);
            if (gzip)
            {
                using var zip = new GZipStream(file, CompressionLevel.Fastest);
                zip.Write(batches[i].WrittenSpan);
            }
            else
            {
                file.Write(batches[i].WrittenSpan);
            }
        }

        Console.WriteLine($"{{\"files\":{batches.Count},\"points\":{points}}}");
        return 0;
    }

    case "writer":
    {
        var spill = Path.Combine(Path.GetTempPath(), "iotfire-throughput-spill-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        var writerOptions = new InfluxDbOptions
        {
            Url = options["url"],
            ApiVersion = InfluxApiVersion.V1,
            Database = options["db"],
            Precision = TimestampPrecision.Nanoseconds,
            BatchSize = batchSize,
            Gzip = gzip,
            RequestTimeout = TimeSpan.FromSeconds(60),
            SpillDirectory = spill,
        };
        var writer = new InfluxDbWriter(writerOptions);
        var stopwatch = Stopwatch.StartNew();
        foreach (var batch in batches)
        {
            await writer.WriteAsync(batch);
        }

        await writer.FlushAsync();
        stopwatch.Stop();
        var metrics = writer.Metrics;
        await writer.DisposeAsync();
        Directory.Delete(spill, recursive: true);
        var seconds = stopwatch.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"mode\":\"writer\",\"points\":{points},\"batch\":{batchSize},\"gzip\":{(gzip ? "true" : "false")},\"seconds\":{seconds:F3},\"points_per_s\":{points / seconds:F0},\"written\":{metrics.LinesWritten},\"requests\":{metrics.BatchesWritten},\"retries\":{metrics.Retries},\"spilled\":{metrics.LinesSpilled}}}"));
        return metrics.LinesWritten == points ? 0 : 1;
    }

    default:
        Console.Error.WriteLine($"unknown mode '{mode}': use gen or writer");
        return 2;
}
