using System.Buffers;
using System.Diagnostics;
using System.Text;
using IoTFireAlert.Ingestion.Readings;
using IoTFireAlert.Simulator.Devices;
using IoTFireAlert.Simulator.Fleet;
using IoTFireAlert.Simulator.Payloads;
using IoTFireAlert.Simulator.Scenarios;

namespace IoTFireAlert.Simulator.Load;

/// <summary>
/// One <c>run</c>: the background load of every device at its scaled heartbeat interval, paced by
/// a token bucket (or as fast as the connections take), with the scenarios' messages played on
/// time alongside it and the fleet's vehicles reporting every second. One task does all the
/// sending, so each device's messages leave in order; the connections pipeline them.
/// </summary>
public sealed class LoadRun
{
    /// <summary>How far a device may report ahead of its schedule, so that the rate limiter, not the schedule's jitter, sets the pace.</summary>
    private const double ScheduleLeadSeconds = 1.0;

    private readonly RunSettings _settings;
    private readonly IReadOnlyList<SimulatedDevice> _background;
    private readonly List<ScenarioMessage> _timeline;
    private readonly List<VehicleDrive> _fleet;
    private readonly VendorFormats _formats;
    private readonly TextWriter _log;
    private readonly Random _random;
    private readonly Dictionary<ScenarioMessage, List<ExpectedAlarm>> _alarmsByMessage = new(ReferenceEqualityComparer.Instance);

    public LoadRun(RunSettings settings, IReadOnlyList<SimulatedDevice> background, List<ScenarioMessage> timeline, List<VehicleDrive> fleet, IReadOnlyList<ExpectedAlarm> expectedAlarms, VendorFormats formats, TextWriter log)
    {
        foreach (var alarm in expectedAlarms)
        {
            if (!_alarmsByMessage.TryGetValue(alarm.Message, out var list))
            {
                _alarmsByMessage[alarm.Message] = list = [];
            }

            list.Add(alarm);
        }

        _settings = settings;
        _background = background;
        _timeline = timeline;
        _fleet = fleet;
        _formats = formats;
        _log = log;
        _random = new Random(settings.Seed);
    }

    public RunFigures Figures { get; } = new();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var schedule = new BackgroundSchedule(_background, _settings.Rate ?? (_background.Count * _settings.DeviceMaxRate), _settings.DeviceMaxRate, _random);
        if (_settings.Rate is { } wanted && schedule.AchievableRate < wanted * 0.999 && _background.Count > 0)
        {
            await _log.WriteLineAsync($"warning: {_background.Count} devices at most {_settings.DeviceMaxRate}/s each send {schedule.AchievableRate:F0}/s, under the {wanted}/s asked for; the server throttles devices above its per-device limit. Use more devices (generate --devices N).").ConfigureAwait(false);
        }

        var clientKeys = _background.Select(d => d.TopicDevice)
            .Concat(_timeline.Where(m => m.Device is not null).Select(m => m.Device!.TopicDevice))
            .Concat(_timeline.Where(m => m.Position is not null).Select(m => m.Position!.Value.VehicleId))
            .Concat(_fleet.Select(v => v.VehicleId))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var pool = await PublisherPool.OpenAsync(_settings.Broker, _settings.Connections, clientKeys, Figures, cancellationToken).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        try
        {
            try
            {
                await SendAsync(pool, schedule, clock, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C: stop sending, but still report what was sent.
            }

            await pool.DrainAsync(cancellationToken.IsCancellationRequested ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            Figures.Seconds = clock.Elapsed.TotalSeconds;
        }
        finally
        {
            await pool.CloseAsync().ConfigureAwait(false);
        }
    }

    private async Task SendAsync(PublisherPool pool, BackgroundSchedule schedule, Stopwatch clock, CancellationToken cancellationToken)
    {
        using var writer = new DevicePayloadWriter(_formats);
        using var alarmLog = _settings.AlarmLog is { } path ? new StreamWriter(path, append: false, new UTF8Encoding(false)) : null;
        var fleetPayload = new ArrayBufferWriter<byte>(256);
        var readings = new Reading[NormalReadings.MaxReadings];
        // Sequence numbers grow across runs too (16 per second of wall time): the server drops a
        // sequence it has seen within its 64-message window as a redelivery.
        var sequenceBase = (uint)(DateTimeOffset.UtcNow.ToUnixTimeSeconds() * 16);
        var sequences = new uint[_background.Count];
        var scenarioSequences = new Dictionary<string, uint>(StringComparer.Ordinal);
        var bucket = _settings.Rate is { } rate ? new TokenBucket(rate, _settings.RampUp) : null;
        var qos = _settings.QoS;
        long backgroundSent = 0;
        var nextScenario = 0;
        long nextFleetMs = 0;
        var backgroundDone = schedule.IsEmpty;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var elapsedMs = clock.ElapsedMilliseconds;
            var worked = false;
            while (nextScenario < _timeline.Count && _timeline[nextScenario].OffsetMs <= elapsedMs)
            {
                var message = _timeline[nextScenario++];
                var publishedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                await SendScenarioMessageAsync(pool, writer, fleetPayload, message, scenarioSequences, sequenceBase, qos, cancellationToken).ConfigureAwait(false);
                if (alarmLog is not null && _alarmsByMessage.TryGetValue(message, out var alarms))
                {
                    foreach (var alarm in alarms)
                    {
                        await alarmLog.WriteLineAsync(AlarmLogLine(alarm, publishedUnixMs)).ConfigureAwait(false);
                    }
                }
                worked = true;
            }

            if (_fleet.Count > 0 && elapsedMs >= nextFleetMs)
            {
                nextFleetMs += 1000;
                foreach (var vehicle in _fleet)
                {
                    await SendPositionAsync(pool, fleetPayload, vehicle.Advance(), qos, cancellationToken).ConfigureAwait(false);
                }

                worked = true;
            }

            if (!backgroundDone)
            {
                var elapsed = clock.Elapsed.TotalSeconds;
                if ((_settings.Duration is { } duration && elapsed >= duration.TotalSeconds) || (_settings.Count is { } count && backgroundSent >= count))
                {
                    backgroundDone = true;
                }
                else
                {
                    bucket?.Refill(elapsed);
                    for (var i = 0; i < 1024; i++)
                    {
                        // Never far ahead of a device's own schedule: that keeps each device under its
                        // limit (the server's burst allowance absorbs a second's lead).
                        if (schedule.NextDueSeconds > elapsed + ScheduleLeadSeconds || (bucket is not null && !bucket.TryTake()))
                        {
                            break;
                        }

                        var index = schedule.Next();
                        var device = _background[index];
                        var n = NormalReadings.Compose(device, _random, readings);
                        writer.Write(device, sequenceBase + ++sequences[index], DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), readings.AsSpan(0, n));
                        await pool.For(device.TopicDevice).PublishAsync(writer.Topic, writer.Payload, qos, cancellationToken).ConfigureAwait(false);
                        worked = true;
                        if (_settings.Count is { } limit && ++backgroundSent >= limit)
                        {
                            backgroundDone = true;
                            break;
                        }
                    }
                }
            }

            if (backgroundDone && nextScenario >= _timeline.Count && (_fleet.Count == 0 || _settings.Duration is null || clock.Elapsed >= _settings.Duration))
            {
                return;
            }

            if (!worked)
            {
                await Task.Delay(1, cancellationToken).ConfigureAwait(false);
            }
            else if (bucket is null)
            {
                // Flat out: let the connections' tasks and the progress display in now and then.
                await Task.Yield();
            }
        }
    }

    /// <summary><c>{"published_ms":..,"scenario":"..","device":"..","type":"smoke_alarm"}</c>: match it to the server's "raised" event by device and type.</summary>
    private static string AlarmLogLine(ExpectedAlarm alarm, long publishedUnixMs)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("published_ms"u8, publishedUnixMs);
            json.WriteString("scenario"u8, alarm.Message.Scenario);
            json.WriteString("device"u8, alarm.DeviceId);
            json.WriteString("type"u8, alarm.TypeName);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private async ValueTask SendScenarioMessageAsync(PublisherPool pool, DevicePayloadWriter writer, ArrayBufferWriter<byte> fleetPayload, ScenarioMessage message, Dictionary<string, uint> sequences, uint sequenceBase, IoTFireAlert.Mqtt.MqttQualityOfService qos, CancellationToken cancellationToken)
    {
        if (message.Position is { } position)
        {
            await SendPositionAsync(pool, fleetPayload, position, qos, cancellationToken).ConfigureAwait(false);
            return;
        }

        var device = message.Device!;
        if (message.Offline)
        {
            writer.WriteState(device, online: false);
        }
        else
        {
            sequences.TryGetValue(device.Id, out var sequence);
            sequences[device.Id] = ++sequence;
            writer.Write(device, sequenceBase + sequence, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), message.Readings);
        }

        await pool.For(device.TopicDevice).PublishAsync(writer.Topic, writer.Payload, qos, cancellationToken).ConfigureAwait(false);
    }

    private static async ValueTask SendPositionAsync(PublisherPool pool, ArrayBufferWriter<byte> payload, VehiclePosition position, IoTFireAlert.Mqtt.MqttQualityOfService qos, CancellationToken cancellationToken)
    {
        payload.ResetWrittenCount();
        position.WritePayload(payload, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        await pool.For(position.VehicleId).PublishAsync(Encoding.UTF8.GetBytes(position.Topic), payload.WrittenMemory, qos, cancellationToken).ConfigureAwait(false);
    }
}
