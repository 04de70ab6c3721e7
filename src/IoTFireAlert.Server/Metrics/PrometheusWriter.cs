using System.Globalization;
using System.Text;

namespace IoTFireAlert.Server.Metrics;

/// <summary>Writes the Prometheus text exposition format (version 0.0.4): HELP and TYPE once per family, escaped label values.</summary>
public sealed class PrometheusWriter
{
    private readonly StringBuilder _text = new();
    private readonly HashSet<string> _described = [];

    public PrometheusWriter Counter(string name, string help, double value, params (string Name, string Value)[] labels) => Sample(name, "counter", help, value, labels);

    public PrometheusWriter Gauge(string name, string help, double value, params (string Name, string Value)[] labels) => Sample(name, "gauge", help, value, labels);

    public override string ToString() => _text.ToString();

    private PrometheusWriter Sample(string name, string type, string help, double value, (string Name, string Value)[] labels)
    {
        if (_described.Add(name))
        {
            _text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
            _text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        }

        _text.Append(name);
        if (labels.Length > 0)
        {
            _text.Append('{');
            for (var i = 0; i < labels.Length; i++)
            {
                if (i > 0)
                {
                    _text.Append(',');
                }

                _text.Append(labels[i].Name).Append("=\"");
                foreach (var c in labels[i].Value)
                {
                    _ = c switch
                    {
                        '\\' => _text.Append("\\\\"),
                        '"' => _text.Append("\\\""),
                        '\n' => _text.Append("\\n"),
                        _ => _text.Append(c),
                    };
                }

                _text.Append('"');
            }

            _text.Append('}');
        }

        _text.Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        return this;
    }
}
