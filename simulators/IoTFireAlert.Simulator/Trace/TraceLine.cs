using System.Text.Json;

namespace IoTFireAlert.Simulator.Trace;

/// <summary>One line of a trace file: <c>{"t": ms since the first message, "topic": "...", "payload": base64}</c>.</summary>
public readonly record struct TraceLine(long T, string Topic, byte[] Payload)
{
    public string ToJson()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("t"u8, T);
            writer.WriteString("topic"u8, Topic);
            writer.WriteBase64String("payload"u8, Payload);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static TraceLine Parse(string line, int lineNumber)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            return new TraceLine(root.GetProperty("t").GetInt64(), root.GetProperty("topic").GetString()!, root.GetProperty("payload").GetBytesFromBase64());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new FormatException($"trace line {lineNumber}: expected {{\"t\":ms,\"topic\":\"...\",\"payload\":\"base64\"}}: {e.Message}", e);
        }
    }
}
