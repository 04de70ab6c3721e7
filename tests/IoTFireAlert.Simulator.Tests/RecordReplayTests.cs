using System.Text;
using IoTFireAlert.Mqtt;
using IoTFireAlert.Simulator.Trace;
using IoTFireAlert.TestSupport;

namespace IoTFireAlert.Simulator.Tests;

/// <summary>record then replay, through a real Mosquitto: the same messages, in the same order, with the timing scaled.</summary>
[Trait("Category", "Integration")]
public sealed class RecordReplayTests : IDisposable
{
    private readonly MosquittoBroker _broker = MosquittoBroker.Start();
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "iotfire-trace-" + Guid.NewGuid().ToString("N")[..10]);

    public RecordReplayTests()
    {
        Directory.CreateDirectory(_directory);
    }

    public void Dispose()
    {
        _broker.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task RecordThenReplay_ReproducesTheSameMessagesInOrder_WithScaledTiming()
    {
        const int count = 60;
        var original = Path.Combine(_directory, "original.jsonl");
        var replayed = Path.Combine(_directory, "replayed.jsonl");

        var recording = await StartRecordingAsync(original, count);
        await using (var publisher = new MqttClient(new MqttClientOptions { Port = _broker.Port, ClientId = "trace-source" }))
        {
            await publisher.ConnectAsync();
            for (var i = 0; i < count; i++)
            {
                var payload = i % 3 == 0 ? [0x00, 0xFF, (byte)i, 0x40, 0x40] : Encoding.UTF8.GetBytes($"{{\"v\":1,\"seq\":{i}}}");
                await publisher.PublishAsync($"dev/vendor{i % 4}/device-{i % 7}/up", payload, MqttQualityOfService.AtLeastOnce);
                await Task.Delay(i == count / 2 ? 3000 : 5);
            }
        }

        Assert.Equal(count, await recording);

        var second = await StartRecordingAsync(replayed, count);
        var (exit, output, log) = await CommandLineRunner.RunAsync("replay", "--broker", $"127.0.0.1:{_broker.Port}", "--in", original, "--speed", "10", "--qos", "1");
        Assert.True(exit == 0, log);
        Assert.Equal(count, await second);
        var figures = CommandLineRunner.LastJsonLine(output);
        Assert.Equal(count, figures.GetProperty("sent").GetInt64());
        Assert.Equal(count, figures.GetProperty("acknowledged").GetInt64());

        var before = ReadTrace(original);
        var after = ReadTrace(replayed);
        Assert.Equal(before.Select(l => l.Topic), after.Select(l => l.Topic));
        Assert.Equal(before.Select(l => Convert.ToBase64String(l.Payload)), after.Select(l => Convert.ToBase64String(l.Payload)));
        Assert.Equal(0, before[0].T);
        Assert.True(before.Zip(before.Skip(1)).All(p => p.Second.T >= p.First.T), "trace times must not go back");
        // The recorder keeps the 3 s pause in the middle (receive times, so a little jitter).
        var pauseBefore = before[(count / 2) + 1].T - before[count / 2].T;
        Assert.InRange(pauseBefore, 2500, 10_000);
        // Timing is judged by the replayer's own clock, not by receive times through a busy broker: it
        // never sends a line before its scaled time, so the replay takes at least a tenth of the trace
        // (no timing at all would take a few ms), and well under half of it (unscaled would take all).
        var traceMs = before[^1].T;
        var replayMs = figures.GetProperty("seconds").GetDouble() * 1000;
        Assert.InRange(replayMs, (traceMs / 10.0) - 1, traceMs / 2.0);
    }

    [Fact]
    public async Task RecordVerb_WritesTheMessagesOfItsTopics_AndItsFigures()
    {
        var trace = Path.Combine(_directory, "cli.jsonl");
        var record = CommandLineRunner.RunAsync("record", "--broker", $"127.0.0.1:{_broker.Port}", "--topic", "fleet/+/pos", "--out", trace, "--count", "3", "--duration", "20s");
        await using (var publisher = new MqttClient(new MqttClientOptions { Port = _broker.Port, ClientId = "trace-cli-source" }))
        {
            await publisher.ConnectAsync();
            // The verb says nothing when its subscription is in place: publish until it has heard three.
            for (var i = 0; !record.IsCompleted && i < 200; i++)
            {
                await publisher.PublishAsync("dev/acme/ignored/up", "x"u8.ToArray(), MqttQualityOfService.AtLeastOnce);
                await publisher.PublishAsync("fleet/VAN-1/pos", Encoding.UTF8.GetBytes($"{{\"n\":{i}}}"), MqttQualityOfService.AtLeastOnce);
                await Task.Delay(50);
            }
        }

        var (exit, output, log) = await record;
        Assert.True(exit == 0, log);
        Assert.Equal(3, CommandLineRunner.LastJsonLine(output).GetProperty("recorded").GetInt64());
        var lines = ReadTrace(trace);
        Assert.Equal(3, lines.Count);
        Assert.All(lines, l => Assert.Equal("fleet/VAN-1/pos", l.Topic));
        var numbers = lines.Select(l => int.Parse(Encoding.UTF8.GetString(l.Payload)[5..^1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Enumerable.Range(numbers[0], 3), numbers);
    }

    [Fact]
    public async Task Replay_MalformedTrace_FailsNamingTheLine()
    {
        var trace = Path.Combine(_directory, "bad.jsonl");
        await File.WriteAllTextAsync(trace, "{\"t\":0,\"topic\":\"dev/a/b/up\",\"payload\":\"AAE=\"}\nnot json\n");

        var (exit, _, log) = await CommandLineRunner.RunAsync("replay", "--broker", $"127.0.0.1:{_broker.Port}", "--in", trace);

        Assert.Equal(2, exit);
        Assert.Contains("line 2", log, StringComparison.Ordinal);
    }

    private async Task<Task<long>> StartRecordingAsync(string path, long count)
    {
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        var options = new MqttClientOptions { Port = _broker.Port, ClientId = "trace-recorder-" + Path.GetFileNameWithoutExtension(path) };
        var task = Task.Run(async () =>
        {
            try
            {
                return await TraceRecorder.RecordAsync(options, ["dev/#"], writer, TimeSpan.FromSeconds(30), count, CancellationToken.None, ready);
            }
            finally
            {
                await writer.DisposeAsync();
            }
        });
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(10));
        return task;
    }

    private static List<TraceLine> ReadTrace(string path) =>
        File.ReadAllLines(path).Select((line, i) => TraceLine.Parse(line, i + 1)).ToList();
}
