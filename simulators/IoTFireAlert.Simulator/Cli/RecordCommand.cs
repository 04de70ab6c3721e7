using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using IoTFireAlert.Mqtt;
using IoTFireAlert.Simulator.Trace;

namespace IoTFireAlert.Simulator.Cli;

/// <summary><c>record</c>: subscribe and write what passes to a JSON-lines trace.</summary>
public static class RecordCommand
{
    public static Command Create(TextWriter output, TextWriter log)
    {
        var broker = new BrokerOptions();
        var topics = new Option<string[]>("--topic") { Description = "Topic filter; repeatable (default dev/#)" };
        var outFile = new Option<string>("--out") { Description = "Trace file to write (JSON lines)", Required = true };
        var duration = new Option<string?>("--duration") { Description = "How long to record, e.g. 30s" };
        var count = new Option<long?>("--count") { Description = "How many messages to record" };
        var command = new Command("record", "Write the messages passing through the broker to a trace file");
        broker.AddTo(command);
        command.Options.Add(topics);
        command.Options.Add(outFile);
        command.Options.Add(duration);
        command.Options.Add(count);
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                if (parse.GetValue(duration) is null && parse.GetValue(count) is null)
                {
                    throw new FormatException("give --duration (e.g. 30s) or --count N");
                }

                var filters = parse.GetValue(topics) is { Length: > 0 } given ? given : ["dev/#"];
                var clock = Stopwatch.StartNew();
                long recorded;
                using (var writer = new StreamWriter(parse.GetValue(outFile)!, append: false, new UTF8Encoding(false)))
                {
                    recorded = await TraceRecorder.RecordAsync(
                        broker.Read(parse), filters, writer,
                        parse.GetValue(duration) is { } d ? DurationText.Parse(d, "--duration") : null,
                        parse.GetValue(count), cancellationToken).ConfigureAwait(false);
                }

                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{{\"recorded\":{recorded},\"seconds\":{Math.Round(clock.Elapsed.TotalSeconds, 3)}}}")).ConfigureAwait(false);
                return 0;
            }
            catch (Exception e) when (e is FormatException or MqttConnectException or IOException or MqttSubscribeException)
            {
                await log.WriteLineAsync($"record: {e.Message}").ConfigureAwait(false);
                return 2;
            }
        });
        return command;
    }
}
