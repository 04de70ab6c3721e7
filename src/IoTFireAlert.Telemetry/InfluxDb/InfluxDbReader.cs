using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using IoTFireAlert.Telemetry.Points;

namespace IoTFireAlert.Telemetry.InfluxDb;

/// <summary>
/// <see cref="ITelemetryReader"/> over InfluxDB: InfluxQL on <c>/query</c> for 1.x, Flux on
/// <c>/api/v2/query</c> (annotated CSV answer) for 2.x. Reads every device measurement, not
/// <c>alarm_event</c> or <c>fleet_position</c>.
/// </summary>
public sealed class InfluxDbReader : ITelemetryReader, IDisposable
{
    private static readonly HashSet<string> TagColumns = ["time", "device_id", "grid", "kind", "site", "vendor"];
    private readonly InfluxDbOptions _options;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;

    public InfluxDbReader(InfluxDbOptions options, HttpClient? httpClient = null)
    {
        _options = options;
        _ownsHttp = httpClient is null;
        _http = httpClient ?? new HttpClient { Timeout = options.RequestTimeout };
    }

    public Task<IReadOnlyList<SeriesPoint>> ReadAsync(string deviceId, DateTimeOffset from, DateTimeOffset to, string? field = null, CancellationToken cancellationToken = default) =>
        _options.ApiVersion == InfluxApiVersion.V2
            ? ReadFluxAsync(deviceId, from, to, field, cancellationToken)
            : ReadInfluxQlAsync(deviceId, from, to, field, cancellationToken);

    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    /// <summary>The InfluxQL this reader sends (exposed for tests and the docs).</summary>
    public static string InfluxQl(string deviceId, DateTimeOffset from, DateTimeOffset to, string? field)
    {
        var select = field is null ? "*" : QuoteIdentifier(field);
        var measurements = string.Join(",", PointNames.DeviceMeasurements.Select(QuoteIdentifier));
        return $"SELECT {select} FROM {measurements} WHERE \"device_id\" = {QuoteString(deviceId)} " +
               $"AND time >= {from.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}ms " +
               $"AND time < {to.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}ms";
    }

    /// <summary>The Flux this reader sends to 2.x.</summary>
    public static string Flux(string bucket, string deviceId, DateTimeOffset from, DateTimeOffset to, string? field)
    {
        var measurements = string.Join(" or ", PointNames.DeviceMeasurements.Select(m => $"r._measurement == {FluxString(m)}"));
        var fieldFilter = field is null ? "" : $" and r._field == {FluxString(field)}";
        return $"from(bucket: {FluxString(bucket)})" +
               $" |> range(start: {from.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)}, stop: {to.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)})" +
               $" |> filter(fn: (r) => r.device_id == {FluxString(deviceId)}{fieldFilter})" +
               $" |> filter(fn: (r) => {measurements})" +
               " |> keep(columns: [\"_time\", \"_field\", \"_value\"])";
    }

    /// <summary>Reads the rows of a Flux annotated-CSV answer (header row with _time, _field, _value; tables separated by blank lines).</summary>
    public static List<SeriesPoint> ParseFluxCsv(string csv)
    {
        var points = new List<SeriesPoint>();
        int timeColumn = -1, fieldColumn = -1, valueColumn = -1;
        foreach (var raw in csv.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                timeColumn = -1;
                continue;
            }

            if (line[0] == '#')
            {
                continue;
            }

            var cells = SplitCsv(line);
            if (timeColumn < 0)
            {
                timeColumn = cells.IndexOf("_time");
                fieldColumn = cells.IndexOf("_field");
                valueColumn = cells.IndexOf("_value");
                continue;
            }

            if (cells.Count <= Math.Max(timeColumn, Math.Max(fieldColumn, valueColumn)) || fieldColumn < 0 || valueColumn < 0)
            {
                continue;
            }

            if (TryValue(cells[valueColumn], out var value))
            {
                points.Add(new SeriesPoint(DateTimeOffset.Parse(cells[timeColumn], CultureInfo.InvariantCulture), cells[fieldColumn], value));
            }
        }

        points.Sort(static (a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : string.CompareOrdinal(a.Field, b.Field));
        return points;
    }

    private async Task<IReadOnlyList<SeriesPoint>> ReadInfluxQlAsync(string deviceId, DateTimeOffset from, DateTimeOffset to, string? field, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, InfluxDbEndpoints.Query(_options, InfluxQl(deviceId, from, to, field)));
        request.Headers.Authorization = InfluxDbEndpoints.Authorization(_options);
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        using var json = JsonDocument.Parse(text);
        var points = new List<SeriesPoint>();
        foreach (var result in json.RootElement.GetProperty("results").EnumerateArray())
        {
            if (result.TryGetProperty("error", out var error))
            {
                throw new InvalidOperationException($"InfluxDB query failed: {error.GetString()}");
            }

            if (!result.TryGetProperty("series", out var series))
            {
                continue;
            }

            foreach (var s in series.EnumerateArray())
            {
                var columns = s.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToList();
                foreach (var row in s.GetProperty("values").EnumerateArray())
                {
                    var time = DateTimeOffset.FromUnixTimeMilliseconds(row[0].GetInt64());
                    for (var c = 1; c < columns.Count; c++)
                    {
                        if (TagColumns.Contains(columns[c]))
                        {
                            continue;
                        }

                        var cell = row[c];
                        double? value = cell.ValueKind switch
                        {
                            JsonValueKind.Number => cell.GetDouble(),
                            JsonValueKind.True => 1,
                            JsonValueKind.False => 0,
                            _ => null,
                        };
                        if (value is { } v)
                        {
                            points.Add(new SeriesPoint(time, columns[c], v));
                        }
                    }
                }
            }
        }

        points.Sort(static (a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : string.CompareOrdinal(a.Field, b.Field));
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"InfluxDB query failed ({(int)response.StatusCode}): {text}");
        }

        return points;
    }

    private async Task<IReadOnlyList<SeriesPoint>> ReadFluxAsync(string deviceId, DateTimeOffset from, DateTimeOffset to, string? field, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["query"] = Flux(_options.Bucket!, deviceId, from, to, field),
            ["type"] = "flux",
            ["dialect"] = new Dictionary<string, object> { ["header"] = true, ["annotations"] = Array.Empty<string>() },
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, InfluxDbEndpoints.Query(_options, ""))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = InfluxDbEndpoints.Authorization(_options);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/csv"));
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"InfluxDB Flux query failed ({(int)response.StatusCode}): {text}");
        }

        return ParseFluxCsv(text);
    }

    private static bool TryValue(string cell, out double value)
    {
        switch (cell)
        {
            case "true":
                value = 1;
                return true;
            case "false":
                value = 0;
                return true;
            default:
                return double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }

    private static List<string> SplitCsv(string line)
    {
        var cells = new List<string>();
        var sb = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    sb.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    sb.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                cells.Add(sb.ToString());
                sb.Clear();
            }
            else
            {
                sb.Append(c);
            }
        }

        cells.Add(sb.ToString());
        return cells;
    }

    private static string QuoteIdentifier(string name) => "\"" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static string QuoteString(string value) => "'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    private static string FluxString(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
