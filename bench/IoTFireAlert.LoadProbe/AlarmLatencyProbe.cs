using System.Diagnostics;
using System.Globalization;
using System.Text;
using IoTFireAlert.Mqtt;

namespace IoTFireAlert.LoadProbe;

/// <summary>
/// Raises smoke alarms at a steady rate, each on a distinct reserved device (so each is a new
/// alarm, never a repeat the alarm service would fold), stamps each publish, and matches the
/// "raised" event on the server's SSE stream: latency publish -> SSE, expected vs received,
/// duplicates (a device raised more than once).
/// </summary>
public static class AlarmLatencyProbe
{
    private static readonly byte[] FirePayload = """{"v":1,"kind":"smoke_detector","smoke":true,"battery_pct":90}"""u8.ToArray();

    public static async Task<int> RunAsync(ProbeArguments options)
    {
        var (host, port) = options.Broker();
        var server = new Uri(options.Text("http"));
        var prefix = options.Text("prefix", "LP-");
        var vendor = options.Text("vendor", "acme");
        var start = options.Int("start", 0);
        var rate = options.Number("rate", 20);
        var duration = options.Duration("duration", TimeSpan.FromSeconds(30));
        var settle = options.Duration("settle", TimeSpan.FromSeconds(15));
        var qos = (MqttQualityOfService)options.Int("qos", 1);
        var count = Math.Max(1, (int)Math.Round(rate * duration.TotalSeconds));

        var ids = Enumerable.Range(start, count).Select(i => prefix + i.ToString("D6", CultureInfo.InvariantCulture)).ToArray();
        var probeIds = new HashSet<string>(ids, StringComparer.Ordinal);
        await using var stream = new AlarmStreamListener(server, id => id.StartsWith(prefix, StringComparison.Ordinal));
        await stream.StartAsync(CancellationToken.None);

        await using var client = new MqttClient(new MqttClientOptions
        {
            Host = host,
            Port = port,
            ClientId = "load-probe-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
            ProtocolVersion = MqttProtocolVersion.V500,
            KeepAliveSeconds = 60,
        });
        await client.ConnectAsync();

        var published = new long[count];
        var acknowledgements = new List<Task>(count);
        var errors = 0;
        var begin = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            // Steady schedule: alarm i is due at begin + i / rate; a late one goes at once, never bunched later.
            var due = begin + (long)(i / rate * Stopwatch.Frequency);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            var topic = Encoding.UTF8.GetBytes($"dev/{vendor}/{ids[i]}/up");
            published[i] = Stopwatch.GetTimestamp();
            acknowledgements.Add(client.PublishAsync(topic, FirePayload, qos).AsTask());
        }

        var sentSeconds = Stopwatch.GetElapsedTime(begin).TotalSeconds;
        foreach (var ack in acknowledgements)
        {
            try
            {
                await ack;
            }
            catch (Exception e) when (e is MqttPublishException or IOException or InvalidOperationException)
            {
                errors++;
            }
        }

        // Wait for the stragglers, up to --settle after the last publish.
        var deadline = Stopwatch.GetTimestamp() + (long)(settle.TotalSeconds * Stopwatch.Frequency);
        while (ids.Count(stream.Raised.ContainsKey) < count && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(50);
        }

        // A moment more so a late duplicate is seen too.
        await Task.Delay(500);
        await client.DisconnectAsync();

        var latencies = new List<double>(count);
        var duplicates = 0;
        for (var i = 0; i < count; i++)
        {
            if (stream.Raised.TryGetValue(ids[i], out var seen) && seen.TryPeek(out var first))
            {
                latencies.Add(Stopwatch.GetElapsedTime(published[i], first).TotalMilliseconds);
                duplicates += seen.Count - 1;
            }
        }

        var unexpected = stream.Raised.Keys.Count(k => !probeIds.Contains(k));
        var summary = new LatencySummary(latencies);
        var json = string.Create(CultureInfo.InvariantCulture,
            $"{{\"expected\":{count},\"received\":{summary.Count},\"lost\":{count - summary.Count},\"duplicates\":{duplicates},\"unexpected\":{unexpected},\"publish_errors\":{errors},\"rate\":{count / sentSeconds:F1},\"p50_ms\":{summary.Percentile(50):F2},\"p95_ms\":{summary.Percentile(95):F2},\"p99_ms\":{summary.Percentile(99):F2},\"max_ms\":{summary.Max:F2},\"mean_ms\":{summary.Mean:F2},\"other_raised\":{stream.OtherRaised}}}");
        Console.WriteLine(json.Replace("NaN", "null", StringComparison.Ordinal));
        return 0;
    }
}
