namespace IoTFireAlert.Ingestion.Rules;

/// <summary>One rate-of-rise rule on one channel: the reference sample the rise is measured from.</summary>
internal struct RateOfRiseChannelState
{
    public double AnchorValue;
    public long AnchorUnixMs;
    public bool HasAnchor;
    public bool Active;
}
