using System.Globalization;
using System.Text;
using System.Text.Json;

namespace IoTFireAlert.Simulator.City;

/// <summary>
/// Writes a demo city for config/: devices.csv (the server's device import format), stations.json
/// and fleet.json (the formats of config/stations.sample.json and config/fleet.sample.json).
/// Devices stream through a buffered writer, one line at a time.
/// </summary>
public sealed class DemoCityWriter
{
    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly DemoCity _city;

    public DemoCityWriter(DemoCity city)
    {
        _city = city;
    }

    /// <summary>Writes the three files; returns the number of devices written.</summary>
    public long Write(string directory, int devices, int sites, int stations, int vehicles, int seed)
    {
        Directory.CreateDirectory(directory);
        long written = 0;
        using (var stream = new FileStream(Path.Combine(directory, "devices.csv"), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        using (var writer = new StreamWriter(stream, s_utf8, 1 << 16))
        {
            writer.WriteLine(DemoCity.CsvHeader);
            foreach (var device in _city.Devices(devices, sites, seed))
            {
                writer.WriteLine(DemoCity.CsvLine(device));
                written++;
            }
        }

        var random = new Random(seed + 1);
        WriteJson(Path.Combine(directory, "stations.json"), w => WriteStations(w, stations, random));
        WriteJson(Path.Combine(directory, "fleet.json"), w => WriteFleet(w, vehicles, random));
        return written;
    }

    private static void WriteJson(string path, Action<Utf8JsonWriter> body)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        body(writer);
    }

    /// <summary>About a quarter fire stations, the rest micro fire stations and equipment points (the three tiers of the rescue circle).</summary>
    private static void WriteStations(Utf8JsonWriter w, int count, Random random)
    {
        w.WriteStartObject();
        w.WriteStartArray("stations");
        for (var i = 0; i < count; i++)
        {
            var tier = i % 4 == 0 ? "FireStation" : i % 4 == 3 ? "EquipmentPoint" : "MicroStation";
            w.WriteStartObject();
            w.WriteString("id", $"SIM-FS-{i + 1:D3}");
            w.WriteString("name", tier switch
            {
                "FireStation" => $"仿真消防救援站 {i + 1}",
                "MicroStation" => $"仿真微型消防站 {i + 1}",
                _ => $"仿真器材点 {i + 1}",
            });
            w.WriteString("tier", tier);
            w.WriteNumber("lat", Math.Round(DemoCity.CentreLat + ((random.NextDouble() - 0.5) * 0.05), 4));
            w.WriteNumber("lon", Math.Round(DemoCity.CentreLon + ((random.NextDouble() - 0.5) * 0.06), 4));
            w.WriteString("status", "Available");
            w.WriteStartObject("means");
            switch (tier)
            {
                case "FireStation":
                    w.WriteNumber("Engine", 2);
                    w.WriteNumber("SmallEngine", 1);
                    w.WriteNumber("FireMotorcycle", 2);
                    break;
                case "MicroStation":
                    w.WriteNumber("SmallEngine", 1);
                    w.WriteNumber("FireMotorcycle", 1);
                    break;
                default:
                    w.WriteNumber("PortableEquipment", 4);
                    break;
            }

            w.WriteEndObject();
            w.WriteStartArray("contacts");
            w.WriteStartObject();
            w.WriteString("name", $"值班员 {i + 1}");
            w.WriteString("phone", string.Create(CultureInfo.InvariantCulture, $"1385751{i % 10_000:D4}"));
            w.WriteString("role", "duty officer");
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteFleet(Utf8JsonWriter w, int count, Random random)
    {
        w.WriteStartObject();
        w.WriteStartArray("vehicles");
        for (var i = 0; i < count; i++)
        {
            w.WriteStartObject();
            w.WriteString("id", $"SIM-VAN-{i + 1:D2}");
            w.WriteString("name", $"仿真抢修车 {i + 1}");
            w.WriteNumber("lat", Math.Round(DemoCity.CentreLat + ((random.NextDouble() - 0.5) * 0.05), 5));
            w.WriteNumber("lon", Math.Round(DemoCity.CentreLon + ((random.NextDouble() - 0.5) * 0.06), 5));
            w.WriteNumber("speedKmh", 0);
            w.WriteNumber("heading", Math.Round(random.NextDouble() * 360, 1));
            w.WriteString("status", "available");
            w.WriteString("lastUpdate", "2025-06-01T08:00:00Z");
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }
}
