using System.Globalization;
using IoTFireAlert.Telemetry.LineProtocol;

namespace IoTFireAlert.InfluxThroughput;

/// <summary>The points both sides send: electrical-fire readings of 1,000 devices, 5 tags, 3 fields, ns timestamps.</summary>
internal static class ThroughputPoints
{
    private static readonly string[] Sites = ["绍兴市柯桥区 华舍街道", "诸暨市 暨阳街道", "杭州市西湖区", "宁波市鄞州区"];

    /// <summary>Serializes points <paramref name="start"/>..+<paramref name="count"/> into <paramref name="batch"/>.</summary>
    public static void Fill(LineProtocolWriter writer, LineBatch batch, long start, int count, long baseNs)
    {
        for (var n = start; n < start + count; n++)
        {
            var device = n % 1_000;
            writer.Begin("electrical_fire"u8);
            writer.Tag("device_id", "EF-" + device.ToString("D6", CultureInfo.InvariantCulture));
            writer.Tag("grid", "G-" + (device % 50).ToString(CultureInfo.InvariantCulture));
            writer.Tag("kind", "electrical_fire");
            writer.Tag("site", Sites[device % Sites.Length]);
            writer.Tag("vendor", "acme");
            writer.FieldFloat("residual_current_ma"u8, 20 + (n % 300 * 0.5));
            writer.FieldFloat("cable_temp_c_1"u8, 35 + (n % 40 * 0.25));
            writer.FieldFloat("current_a_3"u8, n % 100 * 0.1);
            // One point per device per timestamp step: every point is distinct, nothing overwrites.
            writer.End(batch, baseNs + (n / 1_000 * 1_000_000) + device);
        }
    }
}
