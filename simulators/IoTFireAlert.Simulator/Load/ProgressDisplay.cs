using System.Diagnostics;
using Spectre.Console;

namespace IoTFireAlert.Simulator.Load;

/// <summary>
/// The live view of a run (rate, sent, acknowledged, errors, connections), refreshed twice a second.
/// Shown only on a terminal: when stdout is a pipe, the last line must stay the JSON figures.
/// </summary>
public static class ProgressDisplay
{
    public static async Task ShowWhileAsync(RunFigures figures, Task run, string title)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(title);
        table.AddColumns("rate/s", "sent", "acknowledged", "errors", "connections");
        table.AddRow("0", "0", "0", "0", "0");
        var clock = Stopwatch.StartNew();
        long lastSent = 0;
        var lastSeconds = 0.0;
        await AnsiConsole.Live(table).AutoClear(false).StartAsync(async context =>
        {
            while (!run.IsCompleted)
            {
                await Task.WhenAny(run, Task.Delay(500)).ConfigureAwait(false);
                var seconds = clock.Elapsed.TotalSeconds;
                var sent = figures.Sent;
                var rate = seconds > lastSeconds ? (sent - lastSent) / (seconds - lastSeconds) : 0;
                (lastSent, lastSeconds) = (sent, seconds);
                table.UpdateCell(0, 0, rate.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
                table.UpdateCell(0, 1, sent.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
                table.UpdateCell(0, 2, figures.Acknowledged.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
                table.UpdateCell(0, 3, figures.Errors.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
                table.UpdateCell(0, 4, figures.Connections.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
                context.Refresh();
            }
        }).ConfigureAwait(false);
    }
}
