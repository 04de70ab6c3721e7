namespace IoTFireAlert.Server.Alarms;

/// <summary>Configuration section "Alarms".</summary>
public sealed class AlarmOptions
{
    /// <summary>Alarms at one site within this window form one incident.</summary>
    public int IncidentWindowSeconds { get; set; } = 300;

    /// <summary>An electrical alarm and a smoke alarm at one site within this window become a fire alarm.</summary>
    public int CorrelationWindowSeconds { get; set; } = 300;

    /// <summary>A hazard raised again within this window after it cleared reopens the same alarm.</summary>
    public int FlapWindowSeconds { get; set; } = 600;

    /// <summary>After this many reopenings the alarm is marked flapping and its pushes are suppressed.</summary>
    public int FlapThreshold { get; set; } = 3;

    /// <summary>Most work items committed in one transaction.</summary>
    public int MaxBatch { get; set; } = 512;

    public string? Validate() =>
        IncidentWindowSeconds < 0 || CorrelationWindowSeconds < 0 || FlapWindowSeconds < 0 ? "Alarms: windows must be >= 0 seconds"
        : FlapThreshold < 1 ? "Alarms:FlapThreshold must be >= 1"
        : MaxBatch is < 1 or > 100_000 ? "Alarms:MaxBatch must be within 1..100000"
        : null;
}
