namespace IoTFireAlert.Ingestion.Rules;

/// <summary>
/// A device's state per rule and channel. Channel 0 of every rule lies in one array, allocated when the
/// rules are bound; further channels (a GB/T 26875.3 controller's loops) in arrays of their own per
/// rule, allocated when first seen. Most devices have one channel: with an array per rule a single-phase
/// electrical-fire monitor kept 472 B after its first report, 312 B now (RuleEngineBenchmarks).
/// </summary>
internal struct RuleChannels<T>
    where T : struct
{
    private readonly T[] _first;
    private T[][]? _more;

    public RuleChannels(int rules)
    {
        _first = rules == 0 ? [] : new T[rules];
    }

    public ref T At(int rule, byte channel)
    {
        if (channel == 0)
        {
            return ref _first[rule];
        }

        _more ??= NewMore(_first.Length);
        ref var channels = ref _more[rule];
        if (channel > channels.Length)
        {
            Array.Resize(ref channels, channel);
        }

        return ref channels[channel - 1];
    }

    private static T[][] NewMore(int rules)
    {
        var more = new T[rules][];
        Array.Fill(more, []);
        return more;
    }
}
