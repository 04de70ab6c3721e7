using IoTFireAlert.Ingestion.Alarms;

namespace IoTFireAlert.Ingestion.Rules;

/// <summary>
/// Everything the rules remember about one device. Owned by the device's partition task (no
/// locks); a few hundred bytes, grown once when a channel is first seen, then reused.
/// </summary>
public sealed class DeviceRuleState
{
    private const int SequenceWindow = 64;
    private const int AlarmTypeSlots = 64;

    private RuleSet? _boundRules;
    private RuleChannels<ThresholdChannelState> _thresholds = new(0);
    private RuleChannels<RateOfRiseChannelState> _ratesOfRise = new(0);
    // Both allocated when first needed (a device's first threshold alarm, first faulty sensor):
    // most of a million devices never have one, and these would be ~190 B each.
    private ushort[]? _activeChannels;
    private int[] _faultySensors = [];
    private int _faultySensorCount;
    private ulong _latchedFlags;
    private uint _highestSequence;
    private ulong _sequenceBits;
    private bool _hasSequence;

    /// <summary>
    /// The last time the device was heard from (the rule clock of its latest report). The caller may
    /// seed it at registration so a device that never reports goes offline too; 0 means never.
    /// </summary>
    public long LastSeenUnixMs { get; set; }

    /// <summary>True while an Offline alarm is raised.</summary>
    public bool IsOffline { get; internal set; }

    /// <summary>This device's own heartbeat interval, overriding its rule set's (e.g. from the device registry).</summary>
    public TimeSpan? HeartbeatInterval { get; set; }

    /// <summary>
    /// Records <paramref name="sequence"/> and tells whether it was seen already (QoS 1 redelivery,
    /// replay) within the last 64 sequence numbers. A sequence far behind the newest (more than the
    /// window, or a wrap) is taken as a device restart and accepted: losing an alarm is worse than
    /// evaluating one message twice.
    /// </summary>
    public bool IsDuplicateSequence(uint sequence)
    {
        if (!_hasSequence)
        {
            _hasSequence = true;
            _highestSequence = sequence;
            _sequenceBits = 1;
            return false;
        }

        var ahead = (int)(sequence - _highestSequence);
        if (ahead > 0)
        {
            _sequenceBits = ahead >= SequenceWindow ? 1 : (_sequenceBits << ahead) | 1;
            _highestSequence = sequence;
            return false;
        }

        var behind = -(long)ahead;
        if (behind >= SequenceWindow)
        {
            _highestSequence = sequence;
            _sequenceBits = 1;
            return false;
        }

        var bit = 1UL << (int)behind;
        if ((_sequenceBits & bit) != 0)
        {
            return true;
        }

        _sequenceBits |= bit;
        return false;
    }

    /// <summary>True while <paramref name="type"/> is raised for this device (tests, console).</summary>
    public bool IsActive(AlarmType type) => type switch
    {
        AlarmType.Offline => IsOffline,
        AlarmType.SensorFault => _faultySensorCount > 0,
        _ => (_latchedFlags & FlagBit(type)) != 0 || (_activeChannels is { } active && active[(int)type & (AlarmTypeSlots - 1)] > 0),
    };

    internal static ulong FlagBit(AlarmType type) => 1UL << ((int)type & 63);

    internal ref ulong LatchedFlags => ref _latchedFlags;

    internal ref ushort ActiveChannels(AlarmType type) => ref (_activeChannels ??= new ushort[AlarmTypeSlots])[(int)type & (AlarmTypeSlots - 1)];

    /// <summary>
    /// Attaches the state to <paramref name="rules"/>. When the device's rules change (config
    /// reload), channel state no longer matches the rules: every threshold or rate-of-rise alarm
    /// still raised is cleared (written to <paramref name="output"/>) and evaluation starts afresh.
    /// </summary>
    internal void Bind(RuleSet rules, long nowUnixMs, List<AlarmTransition> output)
    {
        if (ReferenceEquals(rules, _boundRules))
        {
            return;
        }

        if (_boundRules is not null)
        {
            foreach (var rule in _boundRules.ThresholdArray)
            {
                ClearType(rule.Alarm, rule.Severity, nowUnixMs, output);
            }

            if (_boundRules.RateOfRiseArray.Length > 0)
            {
                ClearType(AlarmType.TemperatureRateOfRise, AlarmSeverities.Of(AlarmType.TemperatureRateOfRise), nowUnixMs, output);
            }
        }

        _boundRules = rules;
        _thresholds = new(rules.ThresholdArray.Length);
        _ratesOfRise = new(rules.RateOfRiseArray.Length);
    }

    internal ref ThresholdChannelState Threshold(int rule, byte channel) => ref _thresholds.At(rule, channel);

    internal ref RateOfRiseChannelState RateOfRise(int rule, byte channel) => ref _ratesOfRise.At(rule, channel);

    /// <summary>Marks a sensor (signal and channel) faulty; true when it is the first faulty one.</summary>
    internal bool AddFaultySensor(int key)
    {
        for (var i = 0; i < _faultySensorCount; i++)
        {
            if (_faultySensors[i] == key)
            {
                return false;
            }
        }

        if (_faultySensorCount == _faultySensors.Length)
        {
            Array.Resize(ref _faultySensors, Math.Max(4, _faultySensors.Length * 2));
        }

        _faultySensors[_faultySensorCount++] = key;
        return _faultySensorCount == 1;
    }

    /// <summary>Marks a sensor healthy again; true when it was the last faulty one.</summary>
    internal bool RemoveFaultySensor(int key)
    {
        for (var i = 0; i < _faultySensorCount; i++)
        {
            if (_faultySensors[i] == key)
            {
                _faultySensors[i] = _faultySensors[--_faultySensorCount];
                return _faultySensorCount == 0;
            }
        }

        return false;
    }

    internal int FaultySensorCount => _faultySensorCount;

    private void ClearType(AlarmType type, Severity severity, long nowUnixMs, List<AlarmTransition> output)
    {
        if (_activeChannels is null)
        {
            return;
        }

        ref var active = ref ActiveChannels(type);
        if (active > 0)
        {
            active = 0;
            output.Add(new AlarmTransition(type, severity, AlarmCondition.Cleared, 0, nowUnixMs));
        }
    }
}
