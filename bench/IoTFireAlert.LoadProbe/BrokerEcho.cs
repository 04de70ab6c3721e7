using System.Diagnostics;
using System.Globalization;
using System.Text;
using IoTFireAlert.Mqtt;

namespace IoTFireAlert.LoadProbe;

/// <summary>
/// The broker's own latency under the same load, as the reference for the alarm latency: next to
/// each alarm the probe publishes a small message to <c>probe/echo/{run}/{index}</c>, and this
/// subscriber (its own connection) stamps its arrival. Publish -> echo is the path through the busy
/// broker without the server; publish -> SSE minus that is what the server adds.
/// </summary>
public sealed class BrokerEcho : IAsyncDisposable
{
    private readonly MqttClient _client;
    private readonly string _prefix;
    private readonly long[] _arrived;
    private readonly CancellationTokenSource _stop = new();
    private Task? _reading;

    public BrokerEcho(MqttClientOptions options, int count)
    {
        _client = new MqttClient(options);
        _prefix = "probe/echo/" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "/";
        _arrived = new long[count];
    }

    public async Task StartAsync()
    {
        await _client.ConnectAsync();
        await _client.SubscribeAsync([new MqttSubscription(_prefix + "#", MqttQualityOfService.AtLeastOnce)]);
        _reading = Task.Run(ReadAsync);
    }

    /// <summary>Where the probe's warm-up publishes go: echoed, and ignored.</summary>
    public byte[] WarmUpTopic => Encoding.UTF8.GetBytes(_prefix + "warm-up");

    public byte[] Topic(int index) => Encoding.UTF8.GetBytes(_prefix + index.ToString(CultureInfo.InvariantCulture));

    /// <summary>Stopwatch ticks when echo <paramref name="index"/> arrived, 0 if it did not.</summary>
    public long ArrivedAt(int index) => Volatile.Read(ref _arrived[index]);

    private async Task ReadAsync()
    {
        try
        {
            while (await _client.Messages.WaitToReadAsync(_stop.Token))
            {
                while (_client.Messages.TryRead(out var message))
                {
                    var at = Stopwatch.GetTimestamp();
                    var topic = message.Topic;
                    if (topic.StartsWith(_prefix, StringComparison.Ordinal)
                        && int.TryParse(topic.AsSpan(_prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                        && index >= 0 && index < _arrived.Length)
                    {
                        Volatile.Write(ref _arrived[index], at);
                    }

                    _client.Acknowledge(message);
                    message.Dispose();
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_reading is not null)
        {
            await _reading.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        await _client.DisposeAsync();
        _stop.Dispose();
    }
}
