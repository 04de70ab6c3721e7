using System.Text;
using IoTFireAlert.Mqtt;
using IoTFireAlert.Server.Api;
using IoTFireAlert.Server.DeadLetters;
using IoTFireAlert.Server.Hosting;
using IoTFireAlert.Server.Metrics;

namespace IoTFireAlert.Server.Pipeline;

/// <summary>
/// MQTT ingress and the partitions (DESIGN: Shape). One task drains the client's bounded inbound
/// channel in batches and routes each message by its device id to the partition that owns the
/// device; when a partition is full the ingress waits, the client's channel fills, and the client
/// stops reading the socket: back-pressure reaches the broker, never unbounded memory.
/// </summary>
public sealed class IngestionPipeline : BackgroundService, IMetricsSource, IHealthSignal
{
    private readonly MqttSettings _settings;
    private readonly PipelineOptions _options;
    private readonly Partition[] _partitions;
    private readonly DeadLetterStore _deadLetters;
    private readonly IEnumerable<ITopicHandler> _handlers;
    private readonly TimeProvider _clock;
    private readonly ILogger<IngestionPipeline> _logger;
    private readonly MqttClient _client;
    private long _received;
    private long _unroutable;
    private string? _problem = "MQTT: not connected yet";
    private volatile bool _subscribed;

    public IngestionPipeline(MqttSettings settings, PipelineOptions options, Partition[] partitions, DeadLetterStore deadLetters, IEnumerable<ITopicHandler> handlers, MqttClient client, TimeProvider clock, ILogger<IngestionPipeline> logger)
    {
        _settings = settings;
        _options = options;
        _partitions = partitions;
        _deadLetters = deadLetters;
        _handlers = handlers;
        _clock = clock;
        _logger = logger;
        _client = client;
        _client.ConnectionStateChanged += (_, e) =>
        {
            // Healthy only once subscribed: the first connection becomes healthy in ConnectAsync, a
            // reconnect here (the client resubscribes and resumes the session by itself).
            _problem = e.State == MqttConnectionState.Connected ? (_subscribed ? null : _problem) : $"MQTT: {e.State}";
            _logger.LogInformation("MQTT connection {State}", e.State);
        };

        // MQTT 3.1.1 only (5.0 tells the broker our limit): the client acknowledged and skipped a
        // message above its maximum packet size, so this letter is the only trace of it.
        _client.OversizeMessageDiscarded += (_, e) => DeadLetterOversize(e);
    }

    private void DeadLetterOversize(MqttOversizeMessageEventArgs e)
    {
        var topic = Encoding.UTF8.GetBytes(e.Topic);
        var parsed = UplinkTopic.TryParse(topic, out var uplink);
        _deadLetters.Add(
            e.Topic,
            "oversize",
            parsed ? Encoding.UTF8.GetString(uplink.Vendor(topic)) : null,
            parsed ? Encoding.UTF8.GetString(uplink.DeviceId(topic)) : null,
            $"a {e.PacketSize}-byte MQTT packet exceeds the client's maximum packet size of {e.MaximumPacketSize} bytes: acknowledged and dropped unread",
            default);
    }

    public string? Problem => _problem;

    public long Received => Interlocked.Read(ref _received);

    public IReadOnlyList<Partition> Partitions => _partitions;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await ConnectAsync(stoppingToken).ConfigureAwait(false);
        var partitionTasks = _partitions.Select(p => Task.Run(() => p.RunAsync(stoppingToken), stoppingToken)).ToArray();
        var ticking = TickAsync(stoppingToken);
        try
        {
            await RouteAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: unacknowledged messages stay with the broker's session.
        }

        foreach (var partition in _partitions)
        {
            partition.Inbox.Complete();
        }

        await Task.WhenAll(partitionTasks.Append(ticking)).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        await _client.DisposeAsync().ConfigureAwait(false);
    }

    private async Task ConnectAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            try
            {
                await _client.ConnectAsync(stoppingToken).ConfigureAwait(false);
                var filters = new List<MqttSubscription>
                {
                    new(_settings.Filter("dev/+/+/up"), MqttQualityOfService.AtLeastOnce),
                    new(_settings.Filter("dev/+/+/state"), MqttQualityOfService.AtLeastOnce),
                };
                filters.AddRange(_handlers.Select(h => new MqttSubscription(h.SharedFilter ? _settings.Filter(h.Filter) : h.Filter, MqttQualityOfService.AtLeastOnce)));
                var granted = await _client.SubscribeAsync(filters, stoppingToken).ConfigureAwait(false);
                for (var i = 0; i < granted.Count; i++)
                {
                    if ((int)granted[i] >= 0x80)
                    {
                        throw new InvalidOperationException($"the broker refused the subscription to {filters[i].Filter}: {granted[i]} (check the account's ACL)");
                    }
                }

                _subscribed = true;
                _problem = null;
                _logger.LogInformation("subscribed on {Host}:{Port} as {ClientId}: {Filters}", _settings.Host, _settings.Port, _client.ClientId, string.Join(", ", filters.Select(f => f.Filter)));
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _problem = $"MQTT: cannot connect to {_settings.Host}:{_settings.Port}: {e.Message}";
                _logger.LogError("{Problem}; retrying in {Delay}", _problem, delay);
                await Task.Delay(delay, stoppingToken).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(Math.Min(10_000, delay.TotalMilliseconds * 2 * (0.75 + Random.Shared.NextDouble() / 2)));
            }
        }
    }

    private async Task RouteAsync(CancellationToken stoppingToken)
    {
        var reader = _client.Messages;
        while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
        {
            var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
            while (reader.TryRead(out var message))
            {
                _received++;
                var topic = message.TopicUtf8;
                if (UplinkTopic.TryParse(topic, out var parsed))
                {
                    var partition = _partitions[UplinkTopic.PartitionOf(parsed.DeviceId(topic), _partitions.Length)];
                    var ingress = new IngressMessage(message, parsed, now);
                    if (!partition.Inbox.TryEnqueue(ingress))
                    {
                        await partition.Inbox.EnqueueAsync(ingress, stoppingToken).ConfigureAwait(false);
                        // The wait can be long under back-pressure: the rest of this drain is stamped
                        // afresh, or alarms would be raised "at" a time long gone and rate limits
                        // would see seconds of a device's messages as one burst.
                        now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
                    }

                    continue;
                }

                if (await DispatchToHandlerAsync(message, stoppingToken).ConfigureAwait(false))
                {
                    continue;
                }

                _unroutable++;
                _deadLetters.Add(message.Topic, "topic", null, null, "the topic is not part of the contract (dev/{vendor}/{deviceId}/up|state, fleet/{vehicleId}/pos, stations/{stationId}/ack)", message.PayloadSpan);
                _client.Acknowledge(message);
                message.Dispose();
            }
        }
    }

    private async ValueTask<bool> DispatchToHandlerAsync(MqttInboundMessage message, CancellationToken stoppingToken)
    {
        foreach (var handler in _handlers)
        {
            if (handler.Matches(message.TopicUtf8))
            {
                try
                {
                    await handler.HandleAsync(message, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _deadLetters.Add(message.Topic, "handler", null, null, $"internal error: {e.GetType().Name}: {e.Message}", message.PayloadSpan);
                }
                finally
                {
                    _client.Acknowledge(message);
                    message.Dispose();
                }

                return true;
            }
        }

        return false;
    }

    private async Task TickAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(_options.OfflineCheckSeconds), _clock);
        try
        {
            do
            {
                var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
                foreach (var partition in _partitions)
                {
                    await partition.Inbox.EnqueueAsync(IngressMessage.Tick(now), stoppingToken).ConfigureAwait(false);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException)
        {
            // The partitions' inboxes are completed: the server is stopping.
        }
    }

    public void WriteMetrics(PrometheusWriter writer)
    {
        writer.Counter("iotfire_messages_in_total", "MQTT messages received by the ingress.", Interlocked.Read(ref _received))
            .Counter("iotfire_messages_unroutable_total", "Messages on topics outside the contract.", Interlocked.Read(ref _unroutable))
            .Gauge("iotfire_mqtt_connected", "1 while the broker connection is up.", _client.IsConnected ? 1 : 0)
            .Gauge("iotfire_mqtt_unacknowledged", "Received QoS 1/2 messages not yet acknowledged to the broker.", _client.UnacknowledgedCount)
            .Gauge("iotfire_queue_depth", "Items waiting in a pipeline stage.", _client.Messages.Count, ("stage", "mqtt_inbound"));
        for (var i = 0; i < _partitions.Length; i++)
        {
            var p = _partitions[i];
            var c = p.Counters;
            var label = ("partition", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            writer.Gauge("iotfire_queue_depth", "Items waiting in a pipeline stage.", p.QueueDepth, ("stage", "partition"), label)
                .Counter("iotfire_partition_messages_total", "Messages processed, per partition.", c.Read(ref c.Messages), label)
                .Counter("iotfire_partition_reports_total", "Device reports decoded, per partition.", c.Read(ref c.Reports), label)
                .Counter("iotfire_partition_alarm_messages_total", "Reports that changed an alarm condition, per partition.", c.Read(ref c.Alarmed), label)
                .Counter("iotfire_partition_rejected_total", "Messages rejected (dead letters), per partition.", c.Read(ref c.Rejected), label)
                .Counter("iotfire_partition_throttled_total", "Messages dropped by per-device rate limiting, per partition.", c.Read(ref c.Throttled), label)
                .Gauge("iotfire_partition_devices", "Devices owned by the partition.", p.OwnedDevices, label);
        }

        foreach (var vendor in _partitions.SelectMany(p => p.Counters.PerVendor).GroupBy(kv => kv.Key))
        {
            writer.Counter("iotfire_vendor_messages_total", "Messages per vendor.", vendor.Sum(kv => Volatile.Read(ref kv.Value.Value)), ("vendor", vendor.Key));
        }
    }

    /// <summary>The UTF-8 bytes of a partition key, for registration to agree with the ingress's hashing.</summary>
    public static int PartitionOf(string partitionKey, int partitions) => UplinkTopic.PartitionOf(Encoding.UTF8.GetBytes(partitionKey), partitions);
}
