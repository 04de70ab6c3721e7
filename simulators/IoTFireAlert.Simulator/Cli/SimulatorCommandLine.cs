using System.CommandLine;

namespace IoTFireAlert.Simulator.Cli;

/// <summary>The verbs: run, generate, record, replay. Output and log writers are parameters so tests can run the CLI in process.</summary>
public static class SimulatorCommandLine
{
    public static RootCommand Build(TextWriter output, TextWriter log)
    {
        var root = new RootCommand("IoTFireAlert device simulator: load, scenarios, demo cities, trace record and replay");
        root.Subcommands.Add(RunCommand.Create(output, log));
        root.Subcommands.Add(GenerateCommand.Create(output, log));
        root.Subcommands.Add(RecordCommand.Create(output, log));
        root.Subcommands.Add(ReplayCommand.Create(output, log));
        return root;
    }
}
