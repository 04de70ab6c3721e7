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
        // Optional: one line per alarm to see when the slow ones happen and where: index, publish offset (ms
        // since the first), latency publish -> SSE (ms), of which publish -> server ingress (its raisedAt, same clock, 1 ms resolution),
        // publish -> the probe's own echo through the same broker (ms), and the publish time (Unix ms, to set
        // against what else happened on the machine then: bench/load/stall_watch.py).
        var latencyFile = options.Text("latencies", "");
        // Optional: devices for untimed alarms during --warmup (registered like the probe's own), so the
        // timed alarms meet an alarm path the server has already compiled; their latencies are reported
        // apart (warmup_first_ms: the first alarm after the server started).
        var warmUpPrefix = options.Text("warmup-prefix", "");
        var count = Math.Max(1, (int)Math.Round(rate * duration.TotalSeconds));

        var ids = Enumerable.Range(start, count).Select(i => prefix + i.ToString("D6", CultureInfo.InvariantCulture)).ToArray();
        var probeIds = new HashSet<string>(ids, StringComparer.Ordinal);
        bool IsWarmUp(string id) => warmUpPrefix.Length > 0 && id.StartsWith(warmUpPrefix, StringComparison.Ordinal);
        await using var stream = new AlarmStreamListener(server, id => id.StartsWith(prefix, StringComparison.Ordinal) || IsWarmUp(id));
        await stream.StartAsync(CancellationToken.None);

        MqttClientOptions Connection(string name) => new()
        {
            Host = host,
            Port = port,
            ClientId = name + "-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
            ProtocolVersion = MqttProtocolVersion.V500,
            KeepAliveSeconds = 60,
        };

        await using var client = new MqttClient(Connection("load-probe"));
        await client.ConnectAsync();
        await using var echo = new BrokerEcho(Connection("load-probe-echo"), count);
        await echo.StartAsync();
        // The probe's own start is slow and busy (JIT, then tier-1 recompiles on a background thread,
        // on the same two cores as the server): for --warmup it publishes echoes at its rate before the
        // first timed alarm, and with --warmup-prefix untimed alarms too.
        AlarmStreamListener.WarmUp();
        var warmUp = Stopwatch.StartNew();
        var warmUpPublished = new List<(string Id, long At)>();
        while (warmUp.Elapsed < options.Duration("warmup", TimeSpan.FromSeconds(2)))
        {
            await client.PublishAsync(echo.WarmUpTopic, FirePayload, qos);
            if (warmUpPrefix.Length > 0)
            {
                var id = warmUpPrefix + (start + warmUpPublished.Count).ToString("D6", CultureInfo.InvariantCulture);
                warmUpPublished.Add((id, Stopwatch.GetTimestamp()));
                await client.PublishAsync(Encoding.UTF8.GetBytes($"dev/{vendor}/{id}/up"), FirePayload, qos);
            }

            await Task.Delay(TimeSpan.FromSeconds(1 / rate));
        }

        var published = new long[count];
        var publishedUnixMs = new long[count];
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
            publishedUnixMs[i] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            acknowledgements.Add(client.PublishAsync(topic, FirePayload, qos).AsTask());
            acknowledgements.Add(client.PublishAsync(echo.Topic(i), FirePayload, qos).AsTask());
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
        var brokerLatencies = new List<double>(count);
        var duplicates = 0;
        var lines = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            var echoed = echo.ArrivedAt(i);
            var brokerLatency = echoed == 0 ? double.NaN : Stopwatch.GetElapsedTime(published[i], echoed).TotalMilliseconds;
            if (echoed != 0)
            {
                brokerLatencies.Add(brokerLatency);
            }

            if (stream.Raised.TryGetValue(ids[i], out var seen) && seen.TryPeek(out var first))
            {
                var latency = Stopwatch.GetElapsedTime(published[i], first.At).TotalMilliseconds;
                latencies.Add(latency);
                duplicates += seen.Count - 1;
                lines.Append(CultureInfo.InvariantCulture, $"{i} {Stopwatch.GetElapsedTime(begin, published[i]).TotalMilliseconds:F1} {latency:F2} {first.RaisedAtUnixMs - publishedUnixMs[i]} {brokerLatency:F2} {publishedUnixMs[i]}\n");
            }
        }

        if (latencyFile.Length > 0)
        {
            await File.WriteAllTextAsync(latencyFile, lines.ToString());
        }

        var unexpected = stream.Raised.Keys.Count(k => !probeIds.Contains(k) && !IsWarmUp(k));
        var warmUpLatencies = warmUpPublished
            .Select(w => stream.Raised.TryGetValue(w.Id, out var seen) && seen.TryPeek(out var first) ? Stopwatch.GetElapsedTime(w.At, first.At).TotalMilliseconds : double.NaN)
            .ToList();
        var warmUpReceived = new LatencySummary([.. warmUpLatencies.Where(double.IsFinite)]);
        var summary = new LatencySummary(latencies);
        var broker = new LatencySummary(brokerLatencies);
        var json = string.Create(CultureInfo.InvariantCulture,
            $"{{\"expected\":{count},\"received\":{summary.Count},\"lost\":{count - summary.Count},\"duplicates\":{duplicates},\"unexpected\":{unexpected},\"publish_errors\":{errors},\"rate\":{count / sentSeconds:F1},\"p50_ms\":{summary.Percentile(50):F2},\"p95_ms\":{summary.Percentile(95):F2},\"p99_ms\":{summary.Percentile(99):F2},\"max_ms\":{summary.Max:F2},\"mean_ms\":{summary.Mean:F2},\"other_raised\":{stream.OtherRaised},\"broker_echo\":{broker.Count},\"broker_p50_ms\":{broker.Percentile(50):F2},\"broker_p99_ms\":{broker.Percentile(99):F2},\"broker_max_ms\":{broker.Max:F2}," +
            $"\"warmup_alarms\":{warmUpPublished.Count},\"warmup_received\":{warmUpReceived.Count},\"warmup_first_ms\":{(warmUpLatencies.Count > 0 ? warmUpLatencies[0] : double.NaN):F2},\"warmup_max_ms\":{warmUpReceived.Max:F2}}}");
        Console.WriteLine(json.Replace("NaN", "null", StringComparison.Ordinal));
        return 0;
    }
}
