using System.Globalization;
using System.Text;
using IoTFireAlert.Ingestion.Readings;

namespace IoTFireAlert.Simulator.Devices;

/// <summary>
/// Reads the server's device CSV import format (header row naming the columns, RFC 4180 quoting)
/// line by line, so a generated file of a million devices streams instead of loading as one string.
/// Only the columns the simulator needs are read; a row it cannot use is an error with its line number.
/// </summary>
public static class DeviceCsvReader
{
    public static List<SimulatedDevice> ReadFile(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        return Read(reader, path);
    }

    public static List<SimulatedDevice> Read(TextReader reader, string source)
    {
        var header = reader.ReadLine() ?? throw new FormatException($"{source}: empty; the first row must name the columns (id,kind,vendor,...)");
        var columns = Split(header.TrimStart('\uFEFF')).Select(c => c.Trim().ToLowerInvariant()).ToList();
        int Column(string name, bool required)
        {
            var index = columns.IndexOf(name);
            if (index < 0 && required)
            {
                throw new FormatException($"{source}: no '{name}' column; the server's device CSV has id,kind,vendor,...,site,...,lat,lon,...,heartbeat_s");
            }

            return index;
        }

        int id = Column("id", true), kind = Column("kind", true), vendor = Column("vendor", true);
        int site = Column("site", false), lat = Column("lat", false), lon = Column("lon", false), heartbeat = Column("heartbeat_s", false);
        var devices = new List<SimulatedDevice>();
        var lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            // A quoted field may hold a newline: keep reading until the quotes balance.
            while (line.Count(c => c == '"') % 2 == 1 && reader.ReadLine() is { } more)
            {
                line += "\n" + more;
                lineNumber++;
            }

            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var cells = Split(line);
            string? Cell(int index) => index >= 0 && index < cells.Count && cells[index].Length > 0 ? cells[index].Trim() : null;
            var deviceId = Cell(id);
            var deviceVendor = Cell(vendor);
            if (deviceId is null || deviceVendor is null || !DeviceKindNames.TryParse(Cell(kind) ?? "", out var deviceKind))
            {
                throw new FormatException($"{source} line {lineNumber}: needs an id, a vendor and a known kind");
            }

            devices.Add(new SimulatedDevice(
                deviceId,
                deviceKind,
                deviceVendor,
                Cell(site),
                Number(Cell(lat)),
                Number(Cell(lon)),
                Cell(heartbeat) is { } hb ? int.Parse(hb, CultureInfo.InvariantCulture) : 3600));
        }

        return devices;
    }

    private static double Number(string? text) =>
        text is not null && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : 0;

    /// <summary>Splits one CSV record: commas separate, quoted fields may hold commas and "" for a quote.</summary>
    public static List<string> Split(string line)
    {
        var cells = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
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
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (c == ',')
            {
                cells.Add(field.ToString());
                field.Clear();
            }
            else if (c != '\r')
            {
                field.Append(c);
            }
        }

        cells.Add(field.ToString());
        return cells;
    }
}
