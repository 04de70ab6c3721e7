using IoTFireAlert.Simulator.Cli;

namespace IoTFireAlert.Simulator.Tests;

/// <summary>Runs the simulator's CLI in process with its output captured, as bench/load.sh runs the binary.</summary>
public static class CommandLineRunner
{
    public static async Task<(int ExitCode, string Output, string Log)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var log = new StringWriter();
        var exit = await SimulatorCommandLine.Build(output, log).Parse(args).InvokeAsync();
        return (exit, output.ToString(), log.ToString());
    }

    /// <summary>The last line of the output, which the CLI contract makes one JSON object.</summary>
    public static System.Text.Json.JsonElement LastJsonLine(string output)
    {
        var last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
        return System.Text.Json.JsonDocument.Parse(last).RootElement.Clone();
    }
}
