using System.Text.Json;
using IoTFireAlert.Dispatch.Fleet;

namespace IoTFireAlert.Dispatch.Import;

/// <summary>
/// Reads repair vehicles from JSON (an array, or an object with a "vehicles" array) or CSV, with a
/// row number and reason for each bad row.
/// <code>
/// JSON: {"id":"SG-VAN-01","name":"..","lat":30.0,"lon":120.58,"speedKmh":0,"heading":0,"status":"available","lastUpdate":"2025-01-01T00:00:00Z"}
/// CSV:  id,name,lat,lon,speedKmh,heading,status,lastUpdate
/// </code>
/// </summary>
public static class VehicleImport
{
    private static readonly string[] CsvColumns = ["id", "name", "lat", "lon", "speedkmh", "heading", "status", "lastupdate"];

    public static ImportResult<RepairVehicle> FromJson(string json)
    {
        var items = new List<RepairVehicle>();
        var errors = new List<ImportError>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            errors.Add(new ImportError(0, $"not valid JSON: {ex.Message}"));
            return new ImportResult<RepairVehicle>(items, errors);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("vehicles", out var inner))
            {
                root = inner;
            }

            if (root.ValueKind != JsonValueKind.Array)
            {
                errors.Add(new ImportError(0, "expected a JSON array of vehicles (or an object with a \"vehicles\" array)"));
                return new ImportResult<RepairVehicle>(items, errors);
            }

            var ids = new HashSet<string>(StringComparer.Ordinal);
            var row = 0;
            foreach (var e in root.EnumerateArray())
            {
                row++;
                if (TryReadJson(e, out var vehicle, out var error) && CheckUnique(ids, vehicle!.Id, out error))
                {
                    items.Add(vehicle);
                }
                else
                {
                    errors.Add(new ImportError(row, error!));
                }
            }
        }

        return new ImportResult<RepairVehicle>(items, errors);
    }

    public static ImportResult<RepairVehicle> FromCsv(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var items = new List<RepairVehicle>();
        var errors = new List<ImportError>();
        var fields = new List<string>();
        var header = reader.ReadLine();
        if (header is null || !CsvRecord.TrySplit(header, fields, out _)
            || !fields.Select(f => f.ToLowerInvariant()).SequenceEqual(CsvColumns))
        {
            errors.Add(new ImportError(1, "header must be: id,name,lat,lon,speedKmh,heading,status,lastUpdate"));
            return new ImportResult<RepairVehicle>(items, errors);
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

            if (TryReadCsv(text, fields, out var vehicle, out var error) && CheckUnique(ids, vehicle!.Id, out error))
            {
                items.Add(vehicle);
            }
            else
            {
                errors.Add(new ImportError(line, error!));
            }
        }

        return new ImportResult<RepairVehicle>(items, errors);
    }

    private static bool CheckUnique(HashSet<string> ids, string id, out string? error)
    {
        error = ids.Add(id) ? null : $"duplicate vehicle id '{id}'";
        return error is null;
    }

    private static bool TryReadJson(JsonElement e, out RepairVehicle? vehicle, out string? error)
    {
        vehicle = null;
        if (e.ValueKind != JsonValueKind.Object)
        {
            error = $"expected an object, got {e.ValueKind}";
            return false;
        }

        if (!StationImport.TryString(e, "id", required: true, out var id, out error)
            || !StationImport.TryString(e, "name", required: true, out var name, out error)
            || !StationImport.TryCoordinate(e, "lat", -90, 90, out var lat, out error)
            || !StationImport.TryCoordinate(e, "lon", -180, 180, out var lon, out error))
        {
            return false;
        }

        double speed = 0;
        if (e.TryGetProperty("speedKmh", out var speedElement)
            && (!FieldParse.TryNumber(speedElement, "speedKmh", out speed, out error) || !FieldParse.CheckRange("speedKmh", speed, 0, 400, out error)))
        {
            return false;
        }

        double heading = 0;
        if (e.TryGetProperty("heading", out var headingElement)
            && (!FieldParse.TryNumber(headingElement, "heading", out heading, out error) || !FieldParse.CheckRange("heading", heading, 0, 360, out error)))
        {
            return false;
        }

        var status = VehicleStatus.Available;
        if (!StationImport.TryString(e, "status", required: false, out var statusText, out error)
            || (statusText is not null && !FieldParse.TryEnum("status", statusText, out status, out error)))
        {
            return false;
        }

        var lastUpdate = DateTimeOffset.UnixEpoch;
        if (e.TryGetProperty("lastUpdate", out var tsElement) && tsElement.ValueKind != JsonValueKind.Null)
        {
            var text = tsElement.ValueKind == JsonValueKind.Number ? tsElement.GetRawText() : tsElement.ValueKind == JsonValueKind.String ? tsElement.GetString()! : string.Empty;
            if (!FieldParse.TryTimestamp("lastUpdate", text, out lastUpdate, out error))
            {
                return false;
            }
        }

        vehicle = new RepairVehicle(id!, name!, lat, lon, speed, heading, status, lastUpdate);
        return true;
    }

    private static bool TryReadCsv(string text, List<string> fields, out RepairVehicle? vehicle, out string? error)
    {
        vehicle = null;
        if (!CsvRecord.TrySplit(text, fields, out error))
        {
            return false;
        }

        if (fields.Count != CsvColumns.Length)
        {
            error = $"expected {CsvColumns.Length} fields, got {fields.Count}";
            return false;
        }

        if (fields[0].Length == 0 || fields[1].Length == 0)
        {
            error = fields[0].Length == 0 ? "'id' is empty" : "'name' is empty";
            return false;
        }

        if (!FieldParse.TryCoordinate("lat", fields[2], -90, 90, out var lat, out error)
            || !FieldParse.TryCoordinate("lon", fields[3], -180, 180, out var lon, out error))
        {
            return false;
        }

        double speed = 0;
        if (fields[4].Length > 0 && !FieldParse.TryCoordinate("speedKmh", fields[4], 0, 400, out speed, out error))
        {
            return false;
        }

        double heading = 0;
        if (fields[5].Length > 0 && !FieldParse.TryCoordinate("heading", fields[5], 0, 360, out heading, out error))
        {
            return false;
        }

        var status = VehicleStatus.Available;
        if (fields[6].Length > 0 && !FieldParse.TryEnum("status", fields[6], out status, out error))
        {
            return false;
        }

        var lastUpdate = DateTimeOffset.UnixEpoch;
        if (fields[7].Length > 0 && !FieldParse.TryTimestamp("lastUpdate", fields[7], out lastUpdate, out error))
        {
            return false;
        }

        vehicle = new RepairVehicle(fields[0], fields[1], lat, lon, speed, heading, status, lastUpdate);
        return true;
    }
}
