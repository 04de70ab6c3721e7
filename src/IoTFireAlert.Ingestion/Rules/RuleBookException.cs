namespace IoTFireAlert.Ingestion.Rules;

/// <summary>The rules configuration is invalid; the message names the JSON path and what is expected.</summary>
public sealed class RuleBookException : Exception
{
    public RuleBookException(string message)
        : base(message)
    {
    }

    public RuleBookException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RuleBookException()
    {
    }
}
