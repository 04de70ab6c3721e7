using IoTFireAlert.Ingestion.Alarms;
using IoTFireAlert.Ingestion.Decoders;
using IoTFireAlert.Ingestion.Readings;
using IoTFireAlert.Ingestion.Rules;
using IoTFireAlert.Simulator.Payloads;

namespace IoTFireAlert.Simulator.Scenarios;

/// <summary>
/// The alarms a timeline should raise, worked out the way the server does it: each message is
/// encoded as sent, decoded by the server's decoder for its vendor (config/decoders.json) and
/// evaluated by the server's rule engine with config/rules.json, at the message's offset as the
/// rule clock. The server keeps one alarm per device and type (a repeat or a re-raise updates it),
/// so the count is of distinct (device, alarm type) pairs raised; an "offline" state is one
/// Offline alarm. Scenarios use sites of their own, so the server's smoke + electrical correlation
/// adds nothing.
/// </summary>
public sealed class AlarmExpectation
{
    private readonly VendorFormats _formats;
    private readonly DecoderRegistry _decoders;
    private readonly RuleBook _rules;

    public AlarmExpectation(VendorFormats formats, DecoderRegistry decoders, RuleBook rules)
    {
        _formats = formats;
        _decoders = decoders;
        _rules = rules;
    }

    /// <summary>The (device, alarm type) pairs the messages raise, in the order they are first raised, each with the message that raises it.</summary>
    public List<ExpectedAlarm> Raised(IEnumerable<ScenarioMessage> timeline)
    {
        var engine = new RuleEngine();
        var states = new Dictionary<string, (RuleSet Rules, DeviceRuleState State)>(StringComparer.Ordinal);
        var raised = new List<ExpectedAlarm>();
        var seen = new HashSet<(string, AlarmType)>();
        var batch = new DecodedBatch();
        var transitions = new List<AlarmTransition>();
        using var writer = new DevicePayloadWriter(_formats);
        const long clockBase = 1_700_000_000_000;
        uint sequence = 1;
        foreach (var message in timeline.OrderBy(m => m.OffsetMs))
        {
            if (message.Device is not { } device)
            {
                continue;
            }

            if (message.Offline)
            {
                if (seen.Add((device.Id, AlarmType.Offline)))
                {
                    raised.Add(new ExpectedAlarm(device.Id, AlarmType.Offline, message));
                }

                continue;
            }

            var now = clockBase + message.OffsetMs;
            writer.Write(device, sequence++, now, message.Readings);
            if (!_decoders.TryGet(device.Vendor, out var decoder))
            {
                throw new InvalidOperationException($"vendor '{device.Vendor}' has no decoder");
            }

            batch.Clear();
            if (!decoder.TryDecode(device.TopicDevice, writer.Payload.Span, batch, out var error))
            {
                throw new InvalidOperationException($"the server would refuse the scenario's message for {device.Id}: {error}");
            }

            for (var i = 0; i < batch.Count; i++)
            {
                ref var report = ref batch[i];
                var id = batch.DeviceId(report).ToString();
                if (id != device.Id)
                {
                    throw new InvalidOperationException($"the server would read a message of {device.Id} as coming from '{id}'");
                }

                if (!states.TryGetValue(id, out var entry))
                {
                    states[id] = entry = (_rules.Resolve(device.Kind, device.Site, device.Id), new DeviceRuleState());
                }

                transitions.Clear();
                engine.Evaluate(entry.Rules, entry.State, in report, batch.Readings(report), now, transitions);
                foreach (var transition in transitions)
                {
                    if (transition.Condition == AlarmCondition.Raised && seen.Add((id, transition.Type)))
                    {
                        raised.Add(new ExpectedAlarm(id, transition.Type, message));
                    }
                }
            }
        }

        return raised;
    }
}
