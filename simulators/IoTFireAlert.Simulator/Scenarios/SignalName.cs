using System.Globalization;
using IoTFireAlert.Ingestion.Readings;

namespace IoTFireAlert.Simulator.Scenarios;

/// <summary>Reads a signal as scenarios write it: the <see cref="Signal"/> member name, with <c>#n</c> for phase or port n.</summary>
public static class SignalName
{
    public static (Signal Signal, byte Channel) Parse(string text)
    {
        var hash = text.IndexOf('#', StringComparison.Ordinal);
        var name = hash < 0 ? text : text[..hash];
        byte channel = 0;
        if (!Enum.TryParse<Signal>(name, ignoreCase: false, out var signal) || signal == Signal.None || !Enum.IsDefined(signal)
            || (hash >= 0 && !byte.TryParse(text.AsSpan(hash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out channel)))
        {
            throw new FormatException($"'{text}' is not a signal; use one of {string.Join(", ", Enum.GetNames<Signal>().Skip(1))}, with #n for a phase or port");
        }

        return (signal, channel);
    }
}
