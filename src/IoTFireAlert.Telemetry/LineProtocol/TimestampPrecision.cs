namespace IoTFireAlert.Telemetry.LineProtocol;

/// <summary>The unit of a line's timestamp; sent as the <c>precision</c> query parameter of a write.</summary>
public enum TimestampPrecision : byte
{
    Nanoseconds = 0,
    Microseconds = 1,
    Milliseconds = 2,
    Seconds = 3,
}
