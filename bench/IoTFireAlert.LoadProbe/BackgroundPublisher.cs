using System.Diagnostics;
using System.Globalization;
using System.Text;
using IoTFireAlert.Mqtt;

namespace IoTFireAlert.LoadProbe;

/// <summary>
/// A plain background load (canonical-JSON heartbeats and normal electrical readings, no alarms)
/// for when the simulator is not at hand: devices of a server-import CSV, round-robin over a few
/// multiplexed connections, at a target rate or as fast as the connections go. Same last-line
/// figures as the simulator's run.
/// </summary>
public static class BackgroundPublisher
{
    public static async Task<int> RunAsync(ProbeArguments options)
    {
        var (host, port) = options.Broker();
        var rateText = options.Text("rate", "max");
        var rate = rateText == "max" ? double.PositiveInfinity : double.Parse(rateText, CultureInfo.InvariantCulture);
        var duration = options.Duration("duration", TimeSpan.FromSeconds(30));
        var qos = (MqttQualityOfService)options.Int("qos", 0);
        var connections = options.Int("connections", 4);
        var count = long.Parse(options.Text("count", "0"), CultureInfo.InvariantCulture);
        var messages = LoadMessages(options.Text("devices-file"));
        if (messages.Count == 0)
        {
            throw new ArgumentException("the devices file has no acme smoke_detector or electrical_fire_monitor devices");
        }

        var clients = new MqttClient[connections];
        for (var c = 0; c < connections; c++)
        {
            clients[c] = new MqttClient(new MqttClientOptions
            {
                Host = host,
                Port = port,
                ClientId = $"load-bg-{Environment.ProcessId}-{c}",
                ProtocolVersion = MqttProtocolVersion.V500,
                KeepAliveSeconds = 60,
            });
            await clients[c].ConnectAsync();
        }

        var sent = new long[connections];
        var errors = new long[connections];
        var begin = Stopwatch.GetTimestamp();
        var end = begin + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, connections).Select(c => Task.Run(async () =>
        {
            var client = clients[c];
            var perConnection = rate / connections;
            var window = new ValueTask[1024];
            long n = 0;
            var next = c % messages.Count;
            var limit = count > 0 ? count / connections + (c < count % connections ? 1 : 0) : long.MaxValue;
            while ((count > 0 || Stopwatch.GetTimestamp() < end) && n < limit)
            {
                var elapsed = Stopwatch.GetElapsedTime(begin).TotalSeconds;
                var due = Math.Min(limit, double.IsPositiveInfinity(perConnection) ? n + window.Length : (long)(elapsed * perConnection));
                if (due <= n)
                {
                    await Task.Delay(1);
                    continue;
                }

                for (; n < due; n++)
                {
                    var slot = (int)(n % window.Length);
                    if (n >= window.Length)
                    {
                        try
                        {
                            await window[slot];
                        }
                        catch (Exception e) when (e is MqttPublishException or IOException or InvalidOperationException)
                        {
                            errors[c]++;
                        }
                    }

                    var (topic, payload) = messages[next];
                    next = (next + connections) % messages.Count;
                    window[slot] = client.PublishAsync(topic, payload, qos);
                }
            }

            for (var i = 0; i < Math.Min(n, window.Length); i++)
            {
                try
                {
                    await window[i];
                }
                catch (Exception e) when (e is MqttPublishException or IOException or InvalidOperationException)
                {
                    errors[c]++;
                }
            }

            sent[c] = n;
        })));

        var seconds = Stopwatch.GetElapsedTime(begin).TotalSeconds;
        foreach (var client in clients)
        {
            await client.DisconnectAsync();
            await client.DisposeAsync();
        }

        var total = sent.Sum();
        var failed = errors.Sum();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"sent\":{total},\"acknowledged\":{(qos == MqttQualityOfService.AtMostOnce ? 0 : total - failed)},\"errors\":{failed},\"seconds\":{seconds:F3},\"rate\":{total / seconds:F0},\"connections\":{connections},\"scenario_alarms_expected\":0}}"));
        return 0;
    }

    /// <summary>One message per device of the CSV (columns id, kind, vendor first, as the server imports).</summary>
    private static List<(byte[] Topic, byte[] Payload)> LoadMessages(string path)
    {
        var smoke = """{"v":1,"kind":"smoke_detector","smoke":false,"battery_pct":88}"""u8.ToArray();
        var electrical = """{"v":1,"kind":"electrical_fire","residual_current_ma":35,"cable_temp_c":[31.5]}"""u8.ToArray();
        var messages = new List<(byte[], byte[])>();
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var fields = line.Split(',', 4);
            if (fields.Length < 3 || fields[2] != "acme")
            {
                continue;
            }

            var payload = fields[1] switch
            {
                "smoke_detector" => smoke,
                "electrical_fire" or "electrical_fire_monitor" => electrical,
                _ => null,
            };
            if (payload is not null)
            {
                messages.Add((Encoding.UTF8.GetBytes($"dev/acme/{fields[0]}/up"), payload));
            }
        }

        return messages;
    }
}
