namespace IoTFireAlert.Telemetry.Tests.LineProtocol;

/// <summary>A line read back by <see cref="LineProtocolReader"/>: unescaped names, raw field value text.</summary>
public sealed record ParsedLine(
    string Measurement,
    IReadOnlyList<KeyValuePair<string, string>> Tags,
    IReadOnlyList<KeyValuePair<string, string>> Fields,
    long? Timestamp);
