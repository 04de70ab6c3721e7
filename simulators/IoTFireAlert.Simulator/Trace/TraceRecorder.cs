using System.Diagnostics;
using IoTFireAlert.Mqtt;

namespace IoTFireAlert.Simulator.Trace;

/// <summary>
/// <c>record</c>: subscribes (QoS 1, so nothing the broker holds is skipped) and writes every
/// message that passes to a JSON-lines trace, in arrival order, timed from the first message.
/// </summary>
public static class TraceRecorder
{
    /// <summary>
    /// Records until <paramref name="duration"/> has passed or <paramref name="count"/> messages arrived;
    /// returns the count. <paramref name="ready"/> completes once the subscription is in place.
    /// </summary>
    public static async Task<long> RecordAsync(MqttClientOptions broker, IReadOnlyList<string> topics, TextWriter output, TimeSpan? duration, long? count, CancellationToken cancellationToken, TaskCompletionSource? ready = null)
    {
        var client = new MqttClient(broker);
        long recorded = 0;
        try
        {
            await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
            await client.SubscribeAsync(topics.Select(t => new MqttSubscription(t, MqttQualityOfService.AtLeastOnce)).ToList(), cancellationToken).ConfigureAwait(false);
            ready?.TrySetResult();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (duration is { } d)
            {
                stop.CancelAfter(d);
            }

            Stopwatch? sinceFirst = null;
            try
            {
                while (count is null || recorded < count)
                {
                    var message = await client.Messages.ReadAsync(stop.Token).ConfigureAwait(false);
                    sinceFirst ??= Stopwatch.StartNew();
                    var line = new TraceLine(sinceFirst.ElapsedMilliseconds, message.Topic, message.PayloadSpan.ToArray());
                    client.Acknowledge(message);
                    message.Dispose();
                    await output.WriteLineAsync(line.ToJson()).ConfigureAwait(false);
                    recorded++;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // The duration is over, or Ctrl+C: keep what was recorded.
            }

            await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            using var disconnect = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await client.DisconnectAsync(disconnect.Token).ConfigureAwait(false);
        }
        finally
        {
            ready?.TrySetCanceled();
            await client.DisposeAsync().ConfigureAwait(false);
        }

        return recorded;
    }
}
