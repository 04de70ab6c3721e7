namespace IoTFireAlert.Telemetry.InfluxDb;

/// <summary>A line the server refused for good (HTTP 400/413 on that line alone), with the server's own message.</summary>
public sealed record DeadLetter(string Line, int StatusCode, string Error);
