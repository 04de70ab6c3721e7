namespace IoTFireAlert.Ingestion.Rules;

/// <summary>One threshold rule on one channel: pending (beyond, waiting out the minimum duration) or active.</summary>
internal struct ThresholdChannelState
{
    public long PendingSinceUnixMs;
    public bool Pending;
    public bool Active;
}
