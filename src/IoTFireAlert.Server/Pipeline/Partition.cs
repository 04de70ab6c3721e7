using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using IoTFireAlert.Ingestion;
using IoTFireAlert.Ingestion.Alarms;
using IoTFireAlert.Ingestion.Readings;
using IoTFireAlert.Mqtt;
using IoTFireAlert.Server.Alarms;
using IoTFireAlert.Server.Devices;
using IoTFireAlert.Telemetry.Points;
using AlarmEvent = IoTFireAlert.Telemetry.Points.AlarmEvent;

namespace IoTFireAlert.Server.Pipeline;

/// <summary>
/// One partition of the pipeline: decodes, checks and evaluates the messages of the devices that
/// hash to it, in their arrival order, on one task. Everything per device (rule state, rate limit)
/// is touched by this task only, so nothing on the message path takes a lock. A message that raised
/// an alarm is acknowledged to the broker after the alarm writer commits it; any other message right
/// after processing (telemetry is then in the sink's bounded queue or its disk spill).
/// </summary>
public sealed class Partition
{
    private readonly int _index;
    private readonly PartitionContext _context;
    private readonly HandOffQueue<IngressMessage> _inbox;
    private readonly ConcurrentQueue<DeviceEntry> _adoptions = new();
    private readonly List<DeviceEntry> _owned = [];
    private readonly DecodedBatch _batch = new();
    private readonly List<AlarmTransition> _transitions = [];
    private readonly List<DeviceVerdicts> _verdicts = [];
    private readonly List<AlarmEvent> _alarmEvents = [];
    private readonly char[] _vendor = new char[256];
    private readonly char[] _device = new char[512];
    private DeviceTags?[] _tags = new DeviceTags?[8];

    public Partition(int index, PartitionContext context)
    {
        _index = index;
        _context = context;
        _inbox = new HandOffQueue<IngressMessage>(context.Options.PartitionCapacity);
    }

    public PartitionCounters Counters { get; } = new();

    /// <summary>Messages for this partition, from the router and the tick loop.</summary>
    public HandOffQueue<IngressMessage> Inbox => _inbox;

    public int QueueDepth => _inbox.Count;

    public int OwnedDevices => _owned.Count + _adoptions.Count;

    /// <summary>Hands a newly registered device to this partition; it is adopted at the next tick.</summary>
    public void Adopt(DeviceEntry entry) => _adoptions.Enqueue(entry);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // The wait itself takes no token (a cancellable wait would allocate; at 23,000 messages a second
        // that was a tenth of the server's garbage). Stopping wakes an idle partition with a tick
        // instead; a busy one sees the token at its next tick or batch.
        using var wake = cancellationToken.UnsafeRegister(static inbox => ((HandOffQueue<IngressMessage>)inbox!).TryEnqueue(IngressMessage.Tick(0)), _inbox);
        while (await _inbox.WaitForItemsAsync().ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Drain what is there in one go: one wake-up per batch, not per message.
            while (_inbox.TryDequeue(out var message))
            {
                if (message.IsTick)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    await TickAsync(message.ReceivedUnixMs, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                try
                {
                    await ProcessAsync(message, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A bug met by one message must not stop the partition: that message becomes a
                    // dead letter with the reason, the others go on.
                    Reject(message, "pipeline", $"internal error: {e.GetType().Name}: {e.Message}", null, null);
                }
            }
        }
    }

    private async ValueTask ProcessAsync(IngressMessage message, CancellationToken cancellationToken)
    {
        var inbound = message.Message;
        Counters.Messages++;
        var topic = inbound.TopicUtf8;
        var vendorLength = Encoding.UTF8.GetChars(message.Topic.Vendor(topic), _vendor);
        var deviceLength = Encoding.UTF8.GetChars(message.Topic.DeviceId(topic), _device);
        var vendor = _vendor.AsSpan(0, vendorLength);
        var topicDevice = _device.AsSpan(0, deviceLength);

        if (!_context.Decoders.TryGet(vendor, out var decoder))
        {
            Reject(message, "vendor", $"no decoder is configured for vendor '{vendor}' (config/decoders.json)", vendor.ToString(), topicDevice.ToString());
            return;
        }

        CountVendor(vendor);
        if (message.Topic.Kind == UplinkTopicKind.State)
        {
            await StateAsync(message, vendorLength, deviceLength, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (_context.Directory.TryGet(topicDevice, out var named) && !vendor.SequenceEqual(named.Record.Vendor))
        {
            // The topic names a device registered to another vendor: refuse before even decoding it.
            _verdicts.Clear();
            Spoofed(message, named, vendor);
            await FinishAsync(inbound, cancellationToken).ConfigureAwait(false);
            return;
        }

        var payload = inbound.PayloadSpan;
        if (payload.Length > _context.Options.MaxPayloadBytes)
        {
            Reject(message, "oversize", $"payload of {payload.Length} bytes is over the limit of {_context.Options.MaxPayloadBytes} (Pipeline:MaxPayloadBytes)", vendor.ToString(), topicDevice.ToString());
            return;
        }

        _batch.Clear();
        if (!decoder.TryDecode(topicDevice, payload, _batch, out var error))
        {
            Reject(message, "decode", error.ToString(), vendor.ToString(), topicDevice.ToString());
            return;
        }

        if (_tags.Length < _batch.Count)
        {
            _tags = new DeviceTags?[Math.Max(_batch.Count, _tags.Length * 2)];
        }

        _verdicts.Clear();
        _alarmEvents.Clear();
        var stored = 0;
        for (var i = 0; i < _batch.Count; i++)
        {
            _tags[i] = null;
            ref var report = ref _batch[i];
            if (Evaluate(message, ref report, vendor) is { } entry)
            {
                _tags[i] = entry.Tags;
                stored++;
            }
        }

        Counters.Reports += _batch.Count;
        // Alarms first: a telemetry store that is slow to take rows (a checkpoint, a slow disk) never
        // holds up an alarm that is already known.
        var acknowledgedWithAlarm = await EnqueueVerdictsAsync(inbound, cancellationToken).ConfigureAwait(false);
        if (stored > 0)
        {
            await _context.Telemetry.WriteReadingsAsync(_batch, _tags.AsMemory(0, _batch.Count), message.ReceivedUnixMs, cancellationToken).ConfigureAwait(false);
        }

        // Alarm transitions are part of the time series too (measurement alarm_event); rare, so one call each.
        foreach (var alarmEvent in _alarmEvents)
        {
            await _context.Telemetry.WriteAlarmEventAsync(alarmEvent, cancellationToken).ConfigureAwait(false);
        }

        Release(inbound, acknowledgedWithAlarm);
    }

    /// <summary>Checks one report against the registry and the device's rules; returns the device when its readings are to be stored.</summary>
    private DeviceEntry? Evaluate(IngressMessage message, ref DeviceReport report, ReadOnlySpan<char> vendor)
    {
        var id = _batch.DeviceId(report);
        var payload = message.Message.PayloadSpan;
        if (!_context.Directory.TryGet(id, out var entry))
        {
            _context.Quarantine.Record(vendor.ToString(), id.ToString(), payload);
            return null;
        }

        var record = entry.Record;
        if (!vendor.SequenceEqual(record.Vendor))
        {
            Spoofed(message, entry, vendor);
            return null;
        }

        var now = message.ReceivedUnixMs;
        if (!entry.RateLimit.TryTake(now, _context.Options.DeviceMessagesPerSecond, _context.Options.DeviceBurst))
        {
            Counters.Throttled++;
            if (!entry.RateLimit.Flooding)
            {
                entry.RateLimit.Flooding = true;
                var reason = $"device '{record.Id}' sends more than {_context.Options.DeviceMessagesPerSecond}/s (burst {_context.Options.DeviceBurst}); throttled";
                _context.DeadLetters.Add(message.Message.Topic, "throttled", record.Vendor, record.Id, reason, payload);
                _verdicts.Add(new DeviceVerdicts(record, [new AlarmTransition(AlarmType.Flooding, Severity.Warning, AlarmCondition.Raised, 1, now)], null, reason));
            }

            return null;
        }

        if (entry.RateLimit.Flooding)
        {
            entry.RateLimit.Flooding = false;
            _verdicts.Add(new DeviceVerdicts(record, [new AlarmTransition(AlarmType.Flooding, Severity.Warning, AlarmCondition.Cleared, 0, now)], null));
        }

        if ((report.Flags & ReportFlags.HasTimestamp) != 0)
        {
            var skew = report.TimestampUnixMs - now;
            if (skew > _context.Options.MaxFutureSkewSeconds * 1000L)
            {
                _context.DeadLetters.Add(message.Message.Topic, "timestamp", record.Vendor, record.Id, $"timestamp is {skew / 1000} s in the future (limit {_context.Options.MaxFutureSkewSeconds} s)", payload);
                return null;
            }

            if (_context.Options.MaxAgeSeconds > 0 && -skew > _context.Options.MaxAgeSeconds * 1000L)
            {
                _context.DeadLetters.Add(message.Message.Topic, "timestamp", record.Vendor, record.Id, $"timestamp is {-skew / 1000} s old (limit {_context.Options.MaxAgeSeconds} s)", payload);
                return null;
            }
        }

        long? sequence = null;
        if ((report.Flags & ReportFlags.HasSequence) != 0)
        {
            if (entry.State.IsDuplicateSequence(report.Sequence))
            {
                _context.DeadLetters.Add(message.Message.Topic, "duplicate", record.Vendor, record.Id, $"sequence {report.Sequence} was already processed (a redelivery)", payload);
                return null;
            }

            sequence = report.Sequence;
        }

        entry.LastSeenUnixMs = now;
        _transitions.Clear();
        if (entry.ReportedState == 2)
        {
            entry.ReportedState = 1;
            _transitions.Add(new AlarmTransition(AlarmType.Offline, Severity.Warning, AlarmCondition.Cleared, 0, now));
        }

        _context.Engine.Evaluate(entry.Rules, entry.State, in report, _batch.Readings(report), now, _transitions);
        if (_transitions.Count > 0)
        {
            Counters.Alarmed++;
            foreach (var transition in _transitions)
            {
                _alarmEvents.Add(new AlarmEvent(entry.Tags, transition));
            }

            _verdicts.Add(new DeviceVerdicts(record, [.. _transitions], null, null, sequence));
        }

        return entry;
    }

    /// <summary>Someone speaks for a device under another vendor's account: never trust it; tell the operator.</summary>
    private void Spoofed(IngressMessage message, DeviceEntry entry, ReadOnlySpan<char> vendor)
    {
        var record = entry.Record;
        var reason = $"device '{record.Id}' is registered to vendor '{record.Vendor}' but arrived under vendor '{vendor}'";
        Counters.Rejected++;
        _context.DeadLetters.Add(message.Message.Topic, "spoofing", vendor.ToString(), record.Id, reason, message.Message.PayloadSpan);
        _verdicts.Add(new DeviceVerdicts(record, [new AlarmTransition(AlarmType.Spoofing, Severity.Warning, AlarmCondition.Raised, 1, message.ReceivedUnixMs)], null, reason));
    }

    /// <summary>The device's own online/offline word (its retained will message): "online"/"offline", or JSON with a "state" field.</summary>
    private ValueTask StateAsync(IngressMessage message, int vendorLength, int deviceLength, CancellationToken cancellationToken)
    {
        var vendor = _vendor.AsSpan(0, vendorLength);
        var deviceId = _device.AsSpan(0, deviceLength);
        _verdicts.Clear();
        var payload = message.Message.PayloadSpan;
        var offline = payload.IndexOf("offline"u8) >= 0;
        var online = !offline && payload.IndexOf("online"u8) >= 0;
        if (!offline && !online)
        {
            Reject(message, "decode", "a state message must say \"online\" or \"offline\"", vendor.ToString(), deviceId.ToString());
            return ValueTask.CompletedTask;
        }

        if (_context.Directory.TryGet(deviceId, out var entry) && vendor.SequenceEqual(entry.Record.Vendor))
        {
            var now = message.ReceivedUnixMs;
            if (offline && entry.ReportedState != 2)
            {
                entry.ReportedState = 2;
                _verdicts.Add(new DeviceVerdicts(entry.Record, [new AlarmTransition(AlarmType.Offline, Severity.Warning, AlarmCondition.Raised, 0, now)], null, "the device's will message says offline"));
            }
            else if (online)
            {
                entry.LastSeenUnixMs = now;
                if (entry.ReportedState == 2)
                {
                    _verdicts.Add(new DeviceVerdicts(entry.Record, [new AlarmTransition(AlarmType.Offline, Severity.Warning, AlarmCondition.Cleared, 0, now)], null));
                }

                entry.ReportedState = 1;
            }
        }
        else if (entry is null)
        {
            _context.Quarantine.Record(vendor.ToString(), deviceId.ToString(), payload);
        }

        return FinishAsync(message.Message, cancellationToken);
    }

    /// <summary>Hands verdicts to the alarm writer (the last one carries the broker acknowledgement), or acknowledges at once.</summary>
    private async ValueTask FinishAsync(MqttInboundMessage inbound, CancellationToken cancellationToken) =>
        Release(inbound, await EnqueueVerdictsAsync(inbound, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// Hands the message's verdicts to the alarm writer; the last one carries the message's broker
    /// acknowledgement, sent once its alarms are committed. Returns whether it did (there were verdicts).
    /// </summary>
    private async ValueTask<bool> EnqueueVerdictsAsync(MqttInboundMessage inbound, CancellationToken cancellationToken)
    {
        if (_verdicts.Count == 0)
        {
            return false;
        }

        for (var i = 0; i < _verdicts.Count - 1; i++)
        {
            await _context.Alarms.EnqueueAsync(_verdicts[i], cancellationToken).ConfigureAwait(false);
        }

        var last = _verdicts[^1];
        await _context.Alarms.EnqueueAsync(new DeviceVerdicts(last.Device, last.Transitions, AcknowledgeLater(_context.Acknowledge, inbound), last.Detail, last.Sequence), cancellationToken).ConfigureAwait(false);
        _verdicts.Clear();
        return true;
    }

    // A lambda in an async method would allocate its closure on every call, alarm or not (a quarter of
    // what the message path allocated); here it is allocated only for a message that raised something.
    private static Action AcknowledgeLater(Action<MqttInboundMessage> acknowledge, MqttInboundMessage inbound) => () => acknowledge(inbound);

    /// <summary>
    /// Returns the payload buffer (the verdicts hold values, not bytes; an acknowledgement still to come
    /// needs only the packet id) and acknowledges a message that raised nothing.
    /// </summary>
    private void Release(MqttInboundMessage inbound, bool acknowledgedWithAlarm)
    {
        if (!acknowledgedWithAlarm)
        {
            _context.Acknowledge(inbound);
        }

        inbound.Dispose();
    }

    private async ValueTask TickAsync(long nowUnixMs, CancellationToken cancellationToken)
    {
        while (_adoptions.TryDequeue(out var adopted))
        {
            adopted.State.LastSeenUnixMs = Math.Max(adopted.State.LastSeenUnixMs, nowUnixMs);
            _owned.Add(adopted);
        }

        foreach (var entry in _owned)
        {
            _transitions.Clear();
            _context.Engine.CheckHeartbeat(entry.Rules, entry.State, nowUnixMs, _transitions);
            if (_transitions.Count > 0)
            {
                await _context.Alarms.EnqueueAsync(new DeviceVerdicts(entry.Record, [.. _transitions], null, "no message for 2 x the heartbeat interval + grace"), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private void Reject(IngressMessage message, string stage, string reason, string? vendor, string? deviceId)
    {
        Counters.Rejected++;
        var inbound = message.Message;
        _context.DeadLetters.Add(inbound.Topic, stage, vendor, deviceId, reason, inbound.PayloadSpan[..Math.Min(inbound.PayloadSpan.Length, 64 * 1024)]);
        // The letter holds the bytes and the reason: nothing is lost by letting the broker forget it.
        Release(inbound, acknowledgedWithAlarm: false);
    }

    private void CountVendor(ReadOnlySpan<char> vendor)
    {
        var lookup = Counters.PerVendor.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!lookup.TryGetValue(vendor, out var count))
        {
            count = Counters.PerVendor.GetOrAdd(vendor.ToString(), _ => new StrongBox<long>());
        }

        count.Value++;
    }
}
