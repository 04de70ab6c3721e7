namespace IoTFireAlert.Telemetry.LineProtocol;

/// <summary>A value that line protocol cannot carry (NaN, a newline in a tag, an empty key...). The line being built is discarded.</summary>
public sealed class LineProtocolException : Exception
{
    public LineProtocolException(string message)
        : base(message)
    {
    }

    public LineProtocolException()
    {
    }

    public LineProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
