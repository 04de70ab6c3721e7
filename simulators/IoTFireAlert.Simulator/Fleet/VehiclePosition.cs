using System.Buffers;
using System.Text.Json;

namespace IoTFireAlert.Simulator.Fleet;

/// <summary>One fix of a repair vehicle, published on <c>fleet/{vehicleId}/pos</c> in the shape FleetPositionParser reads.</summary>
public readonly record struct VehiclePosition(string VehicleId, double Lat, double Lon, double SpeedKmh, double Heading, string Status)
{
    public string Topic => $"fleet/{VehicleId}/pos";

    public void WritePayload(IBufferWriter<byte> output, long timestampUnixMs)
    {
        using var writer = new Utf8JsonWriter(output);
        writer.WriteStartObject();
        writer.WriteNumber("lat"u8, Math.Round(Lat, 6));
        writer.WriteNumber("lon"u8, Math.Round(Lon, 6));
        writer.WriteNumber("speed"u8, Math.Round(SpeedKmh, 1));
        writer.WriteNumber("heading"u8, Math.Round(Heading, 1));
        writer.WriteNumber("ts"u8, timestampUnixMs);
        writer.WriteString("status"u8, Status);
        writer.WriteEndObject();
    }
}
