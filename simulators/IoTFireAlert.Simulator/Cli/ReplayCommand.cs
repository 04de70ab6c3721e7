using System.CommandLine;
using IoTFireAlert.Mqtt;
using IoTFireAlert.Simulator.Trace;

namespace IoTFireAlert.Simulator.Cli;

/// <summary><c>replay</c>: publish a trace with its timing, scaled by --speed.</summary>
public static class ReplayCommand
{
    public static Command Create(TextWriter output, TextWriter log)
    {
        var broker = new BrokerOptions();
        var inFile = new Option<string>("--in") { Description = "Trace file written by record", Required = true };
        var speed = new Option<double>("--speed") { Description = "Playback speed: 10 = ten times faster", DefaultValueFactory = _ => 1 };
        var qos = new Option<int>("--qos") { Description = "0 or 1", DefaultValueFactory = _ => 1 };
        var command = new Command("replay", "Publish a recorded trace with its timing");
        broker.AddTo(command);
        command.Options.Add(inFile);
        command.Options.Add(speed);
        command.Options.Add(qos);
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var level = parse.GetValue(qos) switch
                {
                    0 => MqttQualityOfService.AtMostOnce,
                    1 => MqttQualityOfService.AtLeastOnce,
                    var other => throw new FormatException($"--qos must be 0 or 1, not {other}"),
                };
                if (parse.GetValue(speed) is not > 0)
                {
                    throw new FormatException("--speed must be positive");
                }

                using var reader = new StreamReader(parse.GetValue(inFile)!);
                var figures = await TraceReplayer.ReplayAsync(broker.Read(parse), reader, parse.GetValue(speed), level, cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync(figures.ToJsonLine()).ConfigureAwait(false);
                return 0;
            }
            catch (Exception e) when (e is FormatException or MqttConnectException or IOException or InvalidOperationException)
            {
                await log.WriteLineAsync($"replay: {e.Message}").ConfigureAwait(false);
                return 2;
            }
        });
        return command;
    }
}
