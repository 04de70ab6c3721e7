namespace IoTFireAlert.Ingestion.Decoders;

/// <summary>config/decoders.json is invalid; the message says which vendor or format.</summary>
public sealed class DecoderConfigException : Exception
{
    public DecoderConfigException(string message)
        : base(message)
    {
    }

    public DecoderConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DecoderConfigException()
    {
    }
}
