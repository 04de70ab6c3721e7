using System.Globalization;

namespace IoTFireAlert.LoadProbe;

/// <summary>"--name value" pairs after the verb; durations as "30s", "500ms" or plain seconds.</summary>
public sealed class ProbeArguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public ProbeArguments(IEnumerable<string> args)
    {
        string? name = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (name is not null)
                {
                    _values[name] = "true";
                }

                name = arg[2..];
            }
            else if (name is not null)
            {
                _values[name] = arg;
                name = null;
            }
            else
            {
                throw new ArgumentException($"unexpected argument '{arg}'");
            }
        }

        if (name is not null)
        {
            _values[name] = "true";
        }
    }

    public string Text(string name, string? fallback = null) =>
        _values.TryGetValue(name, out var value) ? value : fallback ?? throw new ArgumentException($"--{name} is required");

    public int Int(string name, int? fallback = null) =>
        _values.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback ?? throw new ArgumentException($"--{name} is required");

    public double Number(string name, double? fallback = null) =>
        _values.TryGetValue(name, out var value) ? double.Parse(value, CultureInfo.InvariantCulture) : fallback ?? throw new ArgumentException($"--{name} is required");

    public TimeSpan Duration(string name, TimeSpan? fallback = null)
    {
        if (!_values.TryGetValue(name, out var value))
        {
            return fallback ?? throw new ArgumentException($"--{name} is required");
        }

        return value.EndsWith("ms", StringComparison.Ordinal) ? TimeSpan.FromMilliseconds(double.Parse(value[..^2], CultureInfo.InvariantCulture))
            : value.EndsWith('s') ? TimeSpan.FromSeconds(double.Parse(value[..^1], CultureInfo.InvariantCulture))
            : value.EndsWith('m') ? TimeSpan.FromMinutes(double.Parse(value[..^1], CultureInfo.InvariantCulture))
            : TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture));
    }

    /// <summary>"host:port" of the broker.</summary>
    public (string Host, int Port) Broker()
    {
        var text = Text("broker");
        var colon = text.LastIndexOf(':');
        return colon < 0 ? (text, 1883) : (text[..colon], int.Parse(text[(colon + 1)..], CultureInfo.InvariantCulture));
    }
}
