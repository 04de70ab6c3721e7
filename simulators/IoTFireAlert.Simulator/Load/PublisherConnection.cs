using System.Threading.Channels;
using IoTFireAlert.Mqtt;

namespace IoTFireAlert.Simulator.Load;

/// <summary>
/// One MQTT connection that publishes without waiting for each acknowledgement: a QoS 1 publish's
/// pending completion goes into a bounded queue that a reader task awaits in order (PUBACKs come
/// back in order on one connection), so up to <c>window</c> publications are in flight and the
/// sender only waits when the window is full.
/// </summary>
public sealed class PublisherConnection
{
    private readonly MqttClient _client;
    private readonly RunFigures _figures;
    private readonly Channel<ValueTask> _pendingAcks;
    private Task? _ackReader;

    public PublisherConnection(MqttClient client, RunFigures figures, int window)
    {
        _client = client;
        _figures = figures;
        _pendingAcks = Channel.CreateBounded<ValueTask>(new BoundedChannelOptions(window)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public bool IsConnected { get; private set; }

    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        await _client.ConnectAsync(cancellationToken).ConfigureAwait(false);
        IsConnected = true;
        _ackReader = ReadAcknowledgementsAsync();
    }

    public ValueTask PublishAsync(ReadOnlyMemory<byte> topic, ReadOnlyMemory<byte> payload, MqttQualityOfService qos, CancellationToken cancellationToken)
    {
        if (!IsConnected)
        {
            _figures.AddError();
            return ValueTask.CompletedTask;
        }

        ValueTask publish;
        try
        {
            publish = _client.PublishAsync(topic, payload, qos, retain: false, cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            _figures.AddError();
            return ValueTask.CompletedTask;
        }

        _figures.AddSent();
        if (qos == MqttQualityOfService.AtMostOnce)
        {
            return publish.IsCompletedSuccessfully ? ValueTask.CompletedTask : AwaitQueuedAsync(publish);
        }

        return _pendingAcks.Writer.TryWrite(publish) ? ValueTask.CompletedTask : _pendingAcks.Writer.WriteAsync(publish, cancellationToken);
    }

    /// <summary>Stops taking publications and waits (at most <paramref name="timeout"/>) until every one handed over is acknowledged or failed.</summary>
    public async Task DrainAsync(TimeSpan timeout)
    {
        _pendingAcks.Writer.TryComplete();
        if (_ackReader is not null)
        {
            await Task.WhenAny(_ackReader, Task.Delay(timeout)).ConfigureAwait(false);
        }
    }

    /// <summary>Sends DISCONNECT (queued QoS 0 publications go out first) and releases the client.</summary>
    public async Task CloseAsync()
    {
        _pendingAcks.Writer.TryComplete();
        if (IsConnected)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _client.DisconnectAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        await _client.DisposeAsync().ConfigureAwait(false);
    }

    private async ValueTask AwaitQueuedAsync(ValueTask publish)
    {
        try
        {
            await publish.ConfigureAwait(false);
        }
        catch (Exception)
        {
            _figures.AddError();
        }
    }

    private async Task ReadAcknowledgementsAsync()
    {
        var reader = _pendingAcks.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var acknowledgement))
            {
                try
                {
                    await acknowledgement.ConfigureAwait(false);
                    _figures.AddAcknowledged();
                }
                catch (Exception)
                {
                    _figures.AddError();
                }
            }
        }
    }
}
