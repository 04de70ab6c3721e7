using System.Buffers;
using IoTFireAlert.Ingestion.Alarms;
using IoTFireAlert.Ingestion.Decoders;
using IoTFireAlert.Ingestion.Encoders;
using IoTFireAlert.Ingestion.Readings;
using IoTFireAlert.Ingestion.Rules;

namespace IoTFireAlert.Benchmarks.Decoders;

/// <summary>
/// A realistic uplink mix for 10,000 devices, built with the project's own encoders: 60 % smoke
/// detector heartbeats/readings (canonical JSON), 25 % electrical-fire monitors (canonical JSON),
/// 10 % NB-IoT detectors (tlv-v1), 5 % GB/T 26875.3 transmission devices (two components each).
/// Per-device rule state is looked up by index, as the server's registry would hand it over.
/// </summary>
public sealed class IngestionMixWorkload
{
    public const int DeviceCount = 10_000;
    public const int MessageCount = 20_000;

    private readonly RuleEngine _engine = new();

    public IngestionMixWorkload()
    {
        var registry = DecoderRegistry.Load("""{"vendors":{"acme":"canonical-json","nbiot-x":"tlv-v1","gbt":"gbt26875"}}""");
        var book = RuleBook.Load(File.ReadAllText(FindConfig("rules.json")));
        Registry = registry;
        States = new DeviceRuleState[DeviceCount + 2];
        Rules = new RuleSet[DeviceCount + 2];
        var random = new Random(26875);
        using var json = new CanonicalJsonEncoder();
        var gbt = new Gbt26875FrameEncoder();
        var messages = new List<Message>(MessageCount);
        const long t0 = 1_732_250_000_000;
        for (var i = 0; i < MessageCount; i++)
        {
            var device = i % DeviceCount;
            var roll = (device * 7919) % 100; // a device keeps its kind and vendor
            var seq = (uint)(i / DeviceCount);
            var header = new DeviceReport { TimestampUnixMs = t0 + (i * 50L), Sequence = seq, Flags = ReportFlags.HasSequence | ReportFlags.HasTimestamp };
            var buffer = new ArrayBufferWriter<byte>(512);
            string vendor;
            DeviceKind kind;
            if (roll < 60)
            {
                vendor = "acme";
                kind = DeviceKind.SmokeDetector;
                header.Kind = kind;
                header.Flags |= random.Next(4) == 0 ? 0 : ReportFlags.Heartbeat;
                json.Write(buffer, header, [new(Signal.BatteryPercent, random.Next(15, 100)), new(Signal.SmokeAlarm, random.Next(200) == 0 ? 1 : 0), new(Signal.Tamper, 0), new(Signal.Fault, 0), new(Signal.SignalStrengthDbm, -random.Next(70, 110))]);
            }
            else if (roll < 85)
            {
                vendor = "acme";
                kind = DeviceKind.ElectricalFireMonitor;
                header.Kind = kind;
                json.Write(buffer, header,
                [
                    new(Signal.ResidualCurrentMilliamps, random.Next(20, 320)),
                    new(Signal.CableTemperatureCelsius, Math.Round(35 + (random.NextDouble() * 50), 1), 1),
                    new(Signal.CableTemperatureCelsius, Math.Round(35 + (random.NextDouble() * 10), 1), 2),
                    new(Signal.CableTemperatureCelsius, Math.Round(35 + (random.NextDouble() * 10), 1), 3),
                    new(Signal.VoltageVolts, random.Next(195, 240), 1), new(Signal.VoltageVolts, random.Next(215, 225), 2), new(Signal.VoltageVolts, random.Next(215, 225), 3),
                    new(Signal.CurrentAmps, Math.Round(random.NextDouble() * 20, 1), 1), new(Signal.CurrentAmps, Math.Round(random.NextDouble() * 20, 1), 2), new(Signal.CurrentAmps, Math.Round(random.NextDouble() * 20, 1), 3),
                    new(Signal.BatteryPercent, 90), new(Signal.SmokeAlarm, 0), new(Signal.Tamper, 0), new(Signal.Fault, 0),
                ]);
            }
            else if (roll < 95)
            {
                vendor = "nbiot-x";
                kind = DeviceKind.ElectricalFireMonitor;
                header.Kind = kind;
                TlvEncoder.Write(buffer, header,
                [
                    new(Signal.ResidualCurrentMilliamps, random.Next(20, 320)), new(Signal.CableTemperatureCelsius, 40 + random.Next(40), 1),
                    new(Signal.VoltageVolts, 220, 1), new(Signal.CurrentAmps, 10, 1), new(Signal.BatteryPercent, 80), new(Signal.SmokeAlarm, 0), new(Signal.Fault, 0),
                ]);
            }
            else
            {
                vendor = "gbt";
                kind = DeviceKind.SmokeDetector;
                var frame = buffer.GetSpan(128);
                var state = random.Next(100) == 0 ? (ushort)0x0003 : (ushort)0x0001;
                var written = gbt.WriteComponentStates(frame, new Gbt26875FrameHeader((ushort)seq, Gbt26875.CommandSendData, header.TimestampUnixMs),
                [
                    new Gbt26875ComponentState(1, 1, 42, 1001, state, header.TimestampUnixMs),
                    new Gbt26875ComponentState(1, 1, 23, 1002, 0x0001, header.TimestampUnixMs),
                ]);
                buffer.Advance(written);
            }

            // GB/T frames carry two components: they use this device's slot and the next.
            for (var slot = device; slot <= device + (vendor == "gbt" ? 1 : 0); slot++)
            {
                States[slot] ??= new DeviceRuleState();
                Rules[slot] ??= book.Resolve(kind, null, $"d{slot}");
            }

            messages.Add(new Message($"dev/{vendor}/d{device:D5}/up", buffer.WrittenSpan.ToArray(), device));
        }

        Messages = [.. messages];
        JsonMessages = [.. messages.Where(m => m.Topic.StartsWith("dev/acme/", StringComparison.Ordinal))];
    }

    public DecoderRegistry Registry { get; }

    public DeviceRuleState[] States { get; }

    public RuleSet[] Rules { get; }

    public Message[] Messages { get; }

    public Message[] JsonMessages { get; }

    /// <summary>Decodes and evaluates <paramref name="messages"/>; returns transitions (so nothing is optimised away).</summary>
    public int Process(Message[] messages, DecodedBatch batch, List<AlarmTransition> output, long now)
    {
        var transitions = 0;
        foreach (var message in messages)
        {
            // dev/{vendor}/{deviceId}/up
            var topic = message.Topic.AsSpan(4);
            var slash = topic.IndexOf('/');
            var vendor = topic[..slash];
            var deviceId = topic[(slash + 1)..^3];
            if (!Registry.TryGet(vendor, out var decoder))
            {
                continue;
            }

            batch.Clear();
            if (!decoder.TryDecode(deviceId, message.Payload, batch, out _))
            {
                continue;
            }

            for (var r = 0; r < batch.Count; r++)
            {
                ref var report = ref batch[r];
                var slot = message.DeviceIndex + r;
                var state = States[slot];
                // Replays of the fixed message set repeat sequence numbers: check (cost included), evaluate anyway.
                _ = state.IsDuplicateSequence(report.Sequence);
                output.Clear();
                _engine.Evaluate(Rules[slot], state, report, batch.Readings(report), now, output);
                transitions += output.Count;
            }
        }

        return transitions;
    }

    internal static string FindConfig(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "config", name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"config/{name} not found above {AppContext.BaseDirectory}");
    }

    public sealed record Message(string Topic, byte[] Payload, int DeviceIndex);
}
