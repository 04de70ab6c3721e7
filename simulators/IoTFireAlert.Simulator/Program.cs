using System.CommandLine;
using System.Runtime.InteropServices;
using IoTFireAlert.Simulator.Cli;

// Ctrl+C or SIGTERM stops the sending; the verb still drains, disconnects and prints its figures.
using var stop = new CancellationTokenSource();
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
return await SimulatorCommandLine.Build(Console.Out, Console.Error).Parse(args)
    .InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, stop.Token).ConfigureAwait(false);

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
