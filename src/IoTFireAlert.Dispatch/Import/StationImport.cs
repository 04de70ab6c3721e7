using System.Globalization;
using System.Text.Json;
using IoTFireAlert.Dispatch.Geo;
using IoTFireAlert.Dispatch.Stations;

namespace IoTFireAlert.Dispatch.Import;

/// <summary>
/// Reads stations from JSON (an array, or an object with a "stations" array) or CSV. Each bad row is
/// reported with its number and reason; the good rows still load.
/// <code>
/// JSON: {"id":"SX-FS-01","name":"..","tier":"FireStation","lat":30.0,"lon":120.58,"status":"Available",
///        "means":{"Engine":2,"SmallEngine":1},"contacts":[{"name":"..","phone":"..","role":".."}]}
/// CSV:  id,name,tier,lat,lon,status,means,contacts
///       SX-FS-01,Yuecheng,FireStation,30.0,120.58,Available,Engine:2;SmallEngine:1,Wang Wei|13800000000|duty officer
/// </code>
/// </summary>
public static class StationImport
{
    private static readonly string[] CsvColumns = ["id", "name", "tier", "lat", "lon", "status", "means", "contacts"];

    public static ImportResult<Station> FromJson(string json)
    {
        var items = new List<Station>();
        var errors = new List<ImportError>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            errors.Add(new ImportError(0, $"not valid JSON: {ex.Message}"));
            return new ImportResult<Station>(items, errors);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("stations", out var inner))
            {
                root = inner;
            }

            if (root.ValueKind != JsonValueKind.Array)
            {
                errors.Add(new ImportError(0, "expected a JSON array of stations (or an object with a \"stations\" array)"));
                return new ImportResult<Station>(items, errors);
            }

            var ids = new HashSet<string>(StringComparer.Ordinal);
            var row = 0;
            foreach (var element in root.EnumerateArray())
            {
                row++;
                if (TryReadJson(element, out var station, out var error) && CheckUnique(ids, station!.Id, out error))
                {
                    items.Add(station);
                }
                else
                {
                    errors.Add(new ImportError(row, error!));
                }
            }
        }

        return new ImportResult<Station>(items, errors);
    }

    public static ImportResult<Station> FromCsv(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var items = new List<Station>();
        var errors = new List<ImportError>();
        var fields = new List<string>();
        var header = reader.ReadLine();
        if (header is null || !CsvRecord.TrySplit(header, fields, out _)
            || !fields.Select(f => f.ToLowerInvariant()).SequenceEqual(CsvColumns))
        {
            errors.Add(new ImportError(1, $"header must be: {string.Join(',', CsvColumns)}"));
            return new ImportResult<Station>(items, errors);
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        var line = 1;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (string.IsNullOrWhiteSpace(text) || text.StartsWith('#'))
            {
                continue;
            }

            if (TryReadCsv(text, fields, out var station, out var error) && CheckUnique(ids, station!.Id, out error))
            {
                items.Add(station);
            }
            else
            {
                errors.Add(new ImportError(line, error!));
            }
        }

        return new ImportResult<Station>(items, errors);
    }

    private static bool CheckUnique(HashSet<string> ids, string id, out string? error)
    {
        error = ids.Add(id) ? null : $"duplicate station id '{id}'";
        return error is null;
    }

    private static bool TryReadJson(JsonElement e, out Station? station, out string? error)
    {
        station = null;
        if (e.ValueKind != JsonValueKind.Object)
        {
            error = $"expected an object, got {e.ValueKind}";
            return false;
        }

        if (!TryString(e, "id", required: true, out var id, out error)
            || !TryString(e, "name", required: true, out var name, out error)
            || !TryString(e, "tier", required: true, out var tierText, out error)
            || !FieldParse.TryEnum<StationTier>("tier", tierText, out var tier, out error)
            || !TryCoordinate(e, "lat", -90, 90, out var lat, out error)
            || !TryCoordinate(e, "lon", -180, 180, out var lon, out error)
            || !TryString(e, "status", required: false, out var statusText, out error))
        {
            return false;
        }

        var status = UnitStatus.Available;
        if (statusText is not null && !FieldParse.TryEnum("status", statusText, out status, out error))
        {
            return false;
        }

        var means = new List<MeansCount>();
        if (!e.TryGetProperty("means", out var meansElement) || meansElement.ValueKind != JsonValueKind.Object)
        {
            error = "'means' must be an object such as {\"Engine\":2}";
            return false;
        }

        foreach (var p in meansElement.EnumerateObject())
        {
            if (!FieldParse.TryEnum<ResponseMeans>("means", p.Name, out var m, out error))
            {
                return false;
            }

            if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetInt32(out var count) || count < 0)
            {
                error = $"count of means '{p.Name}' must be a non-negative integer, got {p.Value.GetRawText()}";
                return false;
            }

            means.Add(new MeansCount(m, count));
        }

        var contacts = new List<StationContact>();
        if (e.TryGetProperty("contacts", out var contactsElement) && contactsElement.ValueKind != JsonValueKind.Null)
        {
            if (contactsElement.ValueKind != JsonValueKind.Array)
            {
                error = "'contacts' must be an array";
                return false;
            }

            foreach (var c in contactsElement.EnumerateArray())
            {
                if (c.ValueKind != JsonValueKind.Object
                    || !TryString(c, "name", required: true, out var contactName, out error)
                    || !TryString(c, "phone", required: true, out var phone, out error)
                    || !TryString(c, "role", required: false, out var role, out error))
                {
                    error ??= "each contact must be an object with 'name' and 'phone'";
                    error = $"contact {contacts.Count + 1}: {error}";
                    return false;
                }

                contacts.Add(new StationContact(contactName!, phone!, role));
            }
        }

        return Create(id!, name!, tier, lat, lon, status, means, contacts, out station, out error);
    }

    private static bool TryReadCsv(string text, List<string> fields, out Station? station, out string? error)
    {
        station = null;
        if (!CsvRecord.TrySplit(text, fields, out error))
        {
            return false;
        }

        if (fields.Count != CsvColumns.Length)
        {
            error = $"expected {CsvColumns.Length} fields ({string.Join(',', CsvColumns)}), got {fields.Count}";
            return false;
        }

        if (fields[0].Length == 0)
        {
            error = "'id' is empty";
            return false;
        }

        if (fields[1].Length == 0)
        {
            error = "'name' is empty";
            return false;
        }

        if (!FieldParse.TryEnum<StationTier>("tier", fields[2], out var tier, out error)
            || !FieldParse.TryCoordinate("lat", fields[3], -90, 90, out var lat, out error)
            || !FieldParse.TryCoordinate("lon", fields[4], -180, 180, out var lon, out error))
        {
            return false;
        }

        var status = UnitStatus.Available;
        if (fields[5].Length > 0 && !FieldParse.TryEnum("status", fields[5], out status, out error))
        {
            return false;
        }

        var means = new List<MeansCount>();
        foreach (var part in fields[6].Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            var meansName = colon < 0 ? part : part[..colon];
            var countText = colon < 0 ? "1" : part[(colon + 1)..];
            if (!FieldParse.TryEnum<ResponseMeans>("means", meansName, out var m, out error))
            {
                return false;
            }

            if (!int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                error = $"count of means '{meansName}' must be a non-negative integer, got '{countText}'";
                return false;
            }

            means.Add(new MeansCount(m, count));
        }

        var contacts = new List<StationContact>();
        foreach (var part in fields[7].Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var bits = part.Split('|', StringSplitOptions.TrimEntries);
            if (bits.Length is < 2 or > 3 || bits[0].Length == 0 || bits[1].Length == 0)
            {
                error = $"contact '{part}' must be name|phone or name|phone|role";
                return false;
            }

            contacts.Add(new StationContact(bits[0], bits[1], bits.Length == 3 ? bits[2] : null));
        }

        return Create(fields[0], fields[1], tier, lat, lon, status, means, contacts, out station, out error);
    }

    private static bool Create(string id, string name, StationTier tier, double lat, double lon, UnitStatus status, List<MeansCount> means, List<StationContact> contacts, out Station? station, out string? error)
    {
        station = null;
        if (!means.Exists(m => m.Count > 0))
        {
            error = "a station needs at least one means with a count above 0";
            return false;
        }

        error = null;
        station = new Station(id, name, tier, lat, lon, means, status, contacts);
        return true;
    }

    internal static bool TryString(JsonElement e, string name, bool required, out string? value, out string? error)
    {
        value = null;
        error = null;
        if (!e.TryGetProperty(name, out var p) || p.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                error = $"'{name}' is missing";
                return false;
            }

            return true;
        }

        if (p.ValueKind != JsonValueKind.String)
        {
            error = $"'{name}' must be a string, got {p.ValueKind}";
            return false;
        }

        value = p.GetString();
        if (required && string.IsNullOrWhiteSpace(value))
        {
            error = $"'{name}' is empty";
            return false;
        }

        return true;
    }

    internal static bool TryCoordinate(JsonElement e, string name, double min, double max, out double value, out string? error)
    {
        value = double.NaN;
        if (!e.TryGetProperty(name, out var p))
        {
            error = $"'{name}' is missing";
            return false;
        }

        return FieldParse.TryNumber(p, name, out value, out error) && FieldParse.CheckRange(name, value, min, max, out error);
    }
}
