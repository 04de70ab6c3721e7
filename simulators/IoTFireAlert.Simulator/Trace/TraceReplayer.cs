using System.Diagnostics;
using System.Text;
using IoTFireAlert.Mqtt;
using IoTFireAlert.Simulator.Load;

namespace IoTFireAlert.Simulator.Trace;

/// <summary>
/// <c>replay</c>: publishes a trace on one connection (so the order is the trace's) with its
/// timing divided by the speed factor. Payloads go out as recorded: their sequence numbers and
/// timestamps are the originals, so a server that saw them already drops them as redeliveries.
/// </summary>
public static class TraceReplayer
{
    public static async Task<RunFigures> ReplayAsync(MqttClientOptions broker, TextReader trace, double speed, MqttQualityOfService qos, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(speed);
        var figures = new RunFigures();
        var pool = await PublisherPool.OpenAsync(broker, new ConnectionMode(false, 1), [], figures, cancellationToken).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        try
        {
            var lineNumber = 0;
            while (!cancellationToken.IsCancellationRequested && await trace.ReadLineAsync(CancellationToken.None).ConfigureAwait(false) is { } text)
            {
                lineNumber++;
                if (string.IsNullOrWhiteSpace(text))
                {
                    continue;
                }

                var line = TraceLine.Parse(text, lineNumber);
                var due = TimeSpan.FromMilliseconds(line.T / speed);
                var wait = due - clock.Elapsed;
                try
                {
                    if (wait > TimeSpan.FromMilliseconds(1))
                    {
                        await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                    }

                    await pool.For("replay").PublishAsync(Encoding.UTF8.GetBytes(line.Topic), line.Payload, qos, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    // Ctrl+C: stop here and report what was sent.
                    break;
                }
            }

            await pool.DrainAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            figures.Seconds = clock.Elapsed.TotalSeconds;
        }
        finally
        {
            await pool.CloseAsync().ConfigureAwait(false);
        }

        return figures;
    }
}
