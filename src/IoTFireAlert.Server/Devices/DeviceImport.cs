using System.Globalization;
using System.Text;
using System.Text.Json;
using IoTFireAlert.Ingestion.Readings;

namespace IoTFireAlert.Server.Devices;

/// <summary>
/// Parses device lists from CSV (header row, RFC 4180 quoting) or JSON (an array of objects).
/// Every bad row is reported with its number and reason; good rows are still returned, so an
/// operator can fix the few and re-import without losing the many.
/// </summary>
public static class DeviceImport
{
    public sealed record Result(IReadOnlyList<DeviceRecord> Devices, IReadOnlyList<string> Errors);

    private static readonly string[] KnownColumns =
        ["id", "kind", "vendor", "name", "site", "address", "building", "floor", "grid", "lat", "lon", "contacts", "heartbeat_s", "installed_on"];

    public static Result Parse(string text, string? contentType)
    {
        var trimmed = text.AsSpan().TrimStart();
        var isJson = contentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true
            || (trimmed.Length > 0 && (trimmed[0] == '[' || trimmed[0] == '{'));
        return isJson ? ParseJson(text) : ParseCsv(text);
    }

    public static Result ParseJson(string text)
    {
        var devices = new List<DeviceRecord>();
        var errors = new List<string>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            return new Result(devices, [$"not valid JSON: {e.Message}"]);
        }

        using (document)
        {
            var array = document.RootElement;
            if (array.ValueKind == JsonValueKind.Object && array.TryGetProperty("devices", out var inner))
            {
                array = inner;
            }

            if (array.ValueKind != JsonValueKind.Array)
            {
                return new Result(devices, ["expected a JSON array of devices (or {\"devices\": [...]})"]);
            }

            var row = 0;
            foreach (var element in array.EnumerateArray())
            {
                row++;
                if (element.ValueKind != JsonValueKind.Object)
                {
                    errors.Add($"item {row}: expected an object");
                    continue;
                }

                var fields = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
                foreach (var property in element.EnumerateObject())
                {
                    fields[Normalize(property.Name)] = property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString(),
                        JsonValueKind.Number => property.Value.GetRawText(),
                        JsonValueKind.Null => null,
                        JsonValueKind.Array or JsonValueKind.Object => property.Value.GetRawText(),
                        _ => property.Value.GetRawText(),
                    };
                }

                Add(fields, $"item {row}", devices, errors);
            }
        }

        return new Result(devices, errors);
    }

    public static Result ParseCsv(string text)
    {
        var devices = new List<DeviceRecord>();
        var errors = new List<string>();
        var rows = ReadCsv(text).ToList();
        if (rows.Count == 0)
        {
            return new Result(devices, ["the CSV is empty; the first row must name the columns (id,kind,vendor,...)"]);
        }

        var header = rows[0].Select(Normalize).ToArray();
        foreach (var unknown in header.Where(h => !KnownColumns.Contains(h)))
        {
            errors.Add($"line 1: unknown column '{unknown}' (ignored); known: {string.Join(",", KnownColumns)}");
        }

        for (var i = 1; i < rows.Count; i++)
        {
            var cells = rows[i];
            if (cells.Count == 1 && string.IsNullOrWhiteSpace(cells[0]))
            {
                continue;
            }

            var fields = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            for (var c = 0; c < header.Length && c < cells.Count; c++)
            {
                fields[header[c]] = cells[c].Length == 0 ? null : cells[c];
            }

            Add(fields, $"line {i + 1}", devices, errors);
        }

        return new Result(devices, errors);
    }

    private static string Normalize(string name) => name.Trim().ToLowerInvariant() switch
    {
        "heartbeatseconds" or "heartbeat" or "heartbeat_seconds" => "heartbeat_s",
        "installedon" or "installed" or "install_date" => "installed_on",
        "latitude" => "lat",
        "longitude" or "lng" => "lon",
        "deviceid" or "device_id" => "id",
        var other => other,
    };

    private static void Add(Dictionary<string, string?> fields, string where, List<DeviceRecord> devices, List<string> errors)
    {
        string? Get(string key) => fields.TryGetValue(key, out var value) ? value?.Trim() : null;

        if (!DeviceKindNames.TryParse(Get("kind"), out var kind))
        {
            errors.Add($"{where}: kind '{Get("kind")}' is not one of smoke_detector, manual_call_point, electrical_fire_monitor, charging_pile, heat_detector, gas_detector");
            return;
        }

        if (!TryDouble(Get("lat"), out var lat) || !TryDouble(Get("lon"), out var lon))
        {
            errors.Add($"{where}: lat/lon must be decimal numbers");
            return;
        }

        var heartbeat = 3600;
        if (Get("heartbeat_s") is { } hb && !int.TryParse(hb, NumberStyles.Integer, CultureInfo.InvariantCulture, out heartbeat))
        {
            errors.Add($"{where}: heartbeat_s must be a whole number of seconds");
            return;
        }

        var device = new DeviceRecord
        {
            Id = Get("id") ?? "",
            Kind = kind,
            Vendor = Get("vendor") ?? "",
            Name = Get("name"),
            Site = Get("site"),
            Address = Get("address"),
            Building = Get("building"),
            Floor = Get("floor"),
            Grid = Get("grid"),
            Lat = lat,
            Lon = lon,
            Contacts = Get("contacts"),
            HeartbeatSeconds = heartbeat,
            InstalledOn = Get("installed_on"),
        };
        if (device.Validate() is { } reason)
        {
            errors.Add($"{where}: {reason}");
            return;
        }

        devices.Add(device);
    }

    private static bool TryDouble(string? text, out double? value)
    {
        value = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
        {
            value = parsed;
            return true;
        }

        return false;
    }

    /// <summary>RFC 4180: fields separated by commas, quoted fields may hold commas, newlines and "" for a quote.</summary>
    private static IEnumerable<List<string>> ReadCsv(string text)
    {
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }

                continue;
            }

            switch (c)
            {
                case '"' when field.Length == 0:
                    quoted = true;
                    break;
                case ',':
                    row.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    row.Add(field.ToString());
                    field.Clear();
                    yield return row;
                    row = [];
                    break;
                case '\uFEFF' when i == 0:
                    break;
                default:
                    field.Append(c);
                    break;
            }
        }

        if (field.Length > 0 || row.Count > 0)
        {
            row.Add(field.ToString());
            yield return row;
        }
    }
}
