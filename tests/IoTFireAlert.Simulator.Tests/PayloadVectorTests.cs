using IoTFireAlert.Ingestion.Alarms;
using IoTFireAlert.Ingestion.Decoders;
using IoTFireAlert.Ingestion.Readings;
using IoTFireAlert.Ingestion.Rules;
using IoTFireAlert.Simulator.Devices;
using IoTFireAlert.Simulator.Payloads;

namespace IoTFireAlert.Simulator.Tests;

/// <summary>
/// What the simulator publishes for every kind in every vendor format is what the server's decoders
/// (built from config/decoders.json) read, with the intended values, and normal readings raise no alarm.
/// </summary>
public sealed class PayloadVectorTests
{
    private static readonly VendorFormats Formats = VendorFormats.Load(Path.Combine(Repository.Config, "decoders.json"));
    private static readonly DecoderRegistry Decoders = DecoderRegistry.Load(File.ReadAllText(Path.Combine(Repository.Config, "decoders.json")));
    private static readonly RuleBook Rules = RuleBook.Load(File.ReadAllText(Path.Combine(Repository.Config, "rules.json")));

    /// <summary>Every kind a vendor format can carry (GB/T 26875.3 has no charging-pile component).</summary>
    public static TheoryData<string, DeviceKind> KindsAndVendors()
    {
        var data = new TheoryData<string, DeviceKind>();
        foreach (var vendor in new[] { "acme", "nbiot-x", "gbt" })
        {
            foreach (var kind in DeviceKindNames.All)
            {
                if (!(vendor == "gbt" && kind == DeviceKind.ChargingPile))
                {
                    data.Add(vendor, kind);
                }
            }
        }

        return data;
    }

    /// <summary>Shared vectors: one report per kind with values near but inside the thresholds, decoded back.</summary>
    public static TheoryData<string, string, DeviceKind, Reading[]> Vectors() => new()
    {
        { "acme", "V-SD-1", DeviceKind.SmokeDetector, [new(Signal.SmokeAlarm, 1), new(Signal.BatteryPercent, 77), new(Signal.SmokeDensityDbPerMetre, 0.35)] },
        { "nbiot-x", "V-SD-2", DeviceKind.SmokeDetector, [new(Signal.SmokeAlarm, 1), new(Signal.BatteryPercent, 77), new(Signal.SmokeDensityDbPerMetre, 0.35)] },
        { "gbt", "uitd-9-1001", DeviceKind.SmokeDetector, [new(Signal.SmokeAlarm, 1)] },
        { "acme", "V-EF-1", DeviceKind.ElectricalFireMonitor, [new(Signal.ResidualCurrentMilliamps, 310), new(Signal.CableTemperatureCelsius, 42.5), new(Signal.VoltageVolts, 221.3), new(Signal.CurrentAmps, 12.4)] },
        { "nbiot-x", "V-EF-2", DeviceKind.ElectricalFireMonitor, [new(Signal.ResidualCurrentMilliamps, 310), new(Signal.CableTemperatureCelsius, 42.5), new(Signal.VoltageVolts, 221.3), new(Signal.CurrentAmps, 12.4)] },
        { "gbt", "uitd-9-4001", DeviceKind.ElectricalFireMonitor, [new(Signal.ResidualCurrentMilliamps, 300), new(Signal.CableTemperatureCelsius, 42.5), new(Signal.VoltageVolts, 221.3), new(Signal.CurrentAmps, 12.4)] },
        { "acme", "V-CP-1", DeviceKind.ChargingPile, [new(Signal.PortTemperatureCelsius, 68.5, 1), new(Signal.PortPowerWatts, 640, 1), new(Signal.PortTemperatureCelsius, 31, 2), new(Signal.PileLeakageMilliamps, 4)] },
        { "nbiot-x", "V-CP-2", DeviceKind.ChargingPile, [new(Signal.PortTemperatureCelsius, 68.5, 1), new(Signal.PortPowerWatts, 640, 1), new(Signal.PortTemperatureCelsius, 31, 2), new(Signal.PileLeakageMilliamps, 4)] },
        { "acme", "V-MCP-1", DeviceKind.ManualCallPoint, [new(Signal.ManualCallPointPressed, 1), new(Signal.BatteryPercent, 90)] },
        { "gbt", "uitd-9-3001", DeviceKind.ManualCallPoint, [new(Signal.ManualCallPointPressed, 1)] },
        { "acme", "V-HD-1", DeviceKind.HeatDetector, [new(Signal.HeatAlarm, 0), new(Signal.TemperatureCelsius, 23.4)] },
        { "gbt", "uitd-9-2001", DeviceKind.HeatDetector, [new(Signal.TemperatureCelsius, 23.4)] },
        { "acme", "V-GAS-1", DeviceKind.GasDetector, [new(Signal.GasAlarm, 1), new(Signal.GasLelPercent, 12.5)] },
        { "gbt", "uitd-9-5001", DeviceKind.GasDetector, [new(Signal.GasLelPercent, 12.5)] },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Vector_EncodedBySimulator_DecodesToTheIntendedReadings(string vendor, string id, DeviceKind kind, Reading[] readings)
    {
        var device = Formats.Bind(new SimulatedDevice(id, kind, vendor, "SITE", 30, 120.58, 3600));

        var decoded = EncodeAndDecode(device, readings, out var report);

        Assert.Equal(id, report);
        foreach (var intended in readings)
        {
            // GB/T carries any alarm flag as the component's fire state.
            var signal = vendor == "gbt" && CanonicalJsonSchema.IsFlag(intended.Signal) && intended.Signal != Signal.Fault ? Signal.FireAlarm : intended.Signal;
            var match = decoded.Where(r => r.Signal == signal && r.Channel == intended.Channel).ToList();
            Assert.True(match.Count == 1, $"{vendor}/{kind}: {signal}#{intended.Channel} decoded {match.Count} times from {string.Join(", ", decoded)}");
            Assert.Equal(intended.Value, match[0].Value, 3);
        }
    }

    [Theory]
    [MemberData(nameof(KindsAndVendors))]
    public void NormalReadings_EveryKindAndVendor_DecodeAsSentAndRaiseNoAlarm(string vendor, DeviceKind kind)
    {
        var id = vendor == "gbt" ? $"uitd-7-{(int)kind}001" : $"T-{vendor}-{kind}";
        var device = Formats.Bind(new SimulatedDevice(id, kind, vendor, "SITE", 30, 120.58, 3600));
        var rules = Rules.Resolve(kind, device.Site, device.Id);
        var state = new DeviceRuleState();
        var engine = new RuleEngine();
        var transitions = new List<AlarmTransition>();
        var noise = new Random(7);
        var readings = new Reading[NormalReadings.MaxReadings];
        for (var message = 0; message < 200; message++)
        {
            var n = NormalReadings.Compose(device, noise, readings);
            var decoded = EncodeAndDecode(device, readings[..n], out var reportId, out var decodedReport);
            Assert.Equal(id, reportId);
            Assert.Equal(kind, decodedReport.Kind);
            Assert.True(decoded.Count > 0, $"{vendor}/{kind}: no readings decoded");
            foreach (var sent in readings[..n])
            {
                if (!Carries(vendor, sent.Signal) || (vendor == "gbt" && CanonicalJsonSchema.IsFlag(sent.Signal) && sent.Value == 0 && !decoded.Any(r => r.Signal == Signal.FireAlarm)))
                {
                    // GB/T sends measurements as analog objects, which have no alarm flags: an idle flag goes unsaid.
                    continue;
                }

                var signal = vendor == "gbt" && CanonicalJsonSchema.IsFlag(sent.Signal) ? Signal.FireAlarm : sent.Signal;
                var got = Assert.Single(decoded, r => r.Signal == signal && r.Channel == sent.Channel);
                Assert.Equal(sent.Value, got.Value, Tolerance(vendor, sent.Signal));
            }

            // One report every 10 s: rate-of-rise and duration rules see a believable history.
            engine.Evaluate(rules, state, in decodedReport, decoded.ToArray(), 1_700_000_000_000 + (message * 10_000L), transitions);
        }

        Assert.Empty(transitions);
    }

    private static bool Carries(string vendor, Signal signal) => vendor != "gbt"
        || signal is not (Signal.BatteryPercent or Signal.SignalStrengthDbm or Signal.SmokeDensityDbPerMetre);

    private static double Tolerance(string vendor, Signal signal) => vendor switch
    {
        "acme" => 1e-9,
        // GB/T reports a residual current in 0.1 A steps.
        "gbt" when signal == Signal.ResidualCurrentMilliamps => 50,
        _ => signal == Signal.SmokeDensityDbPerMetre ? 0.0005 : 0.05,
    };

    private static List<Reading> EncodeAndDecode(SimulatedDevice device, Reading[] readings, out string reportId) =>
        EncodeAndDecode(device, readings, out reportId, out _);

    private static List<Reading> EncodeAndDecode(SimulatedDevice device, Reading[] readings, out string reportId, out DeviceReport report)
    {
        using var writer = new DevicePayloadWriter(Formats);
        writer.Write(device, 42, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), readings);
        var topic = System.Text.Encoding.UTF8.GetString(writer.Topic.Span);
        Assert.Equal($"dev/{device.Vendor}/{device.TopicDevice}/up", topic);
        Assert.True(Decoders.TryGet(device.Vendor, out var decoder), $"no decoder for {device.Vendor}");
        var batch = new DecodedBatch();
        Assert.True(decoder.TryDecode(device.TopicDevice, writer.Payload.Span, batch, out var error), $"{device.Vendor}/{device.Kind}: {error}");
        Assert.Equal(1, batch.Count);
        report = batch[0];
        reportId = batch.DeviceId(report).ToString();
        Assert.True((report.Flags & ReportFlags.HasSequence) != 0);
        Assert.Equal(42u, report.Sequence);
        return [.. batch.Readings(report)];
    }
}
