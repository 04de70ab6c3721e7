using IoTFireAlert.Simulator.Cli;

return await SimulatorCommandLine.Build(Console.Out, Console.Error).Parse(args).InvokeAsync().ConfigureAwait(false);
