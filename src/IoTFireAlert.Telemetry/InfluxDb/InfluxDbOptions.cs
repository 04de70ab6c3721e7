using IoTFireAlert.Telemetry.LineProtocol;

namespace IoTFireAlert.Telemetry.InfluxDb;

/// <summary>Where and how to write time series; bind from configuration section <c>Telemetry:InfluxDb</c>.</summary>
public sealed class InfluxDbOptions
{
    public string Url { get; set; } = "http://127.0.0.1:8086";

    public InfluxApiVersion ApiVersion { get; set; } = InfluxApiVersion.V1;

    /// <summary>1.x database.</summary>
    public string Database { get; set; } = "iotfire";

    /// <summary>1.x retention policy; empty for the database's default.</summary>
    public string? RetentionPolicy { get; set; }

    /// <summary>1.x user (sent as HTTP Basic auth when set).</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>2.x organisation.</summary>
    public string? Org { get; set; }

    /// <summary>2.x bucket.</summary>
    public string? Bucket { get; set; }

    /// <summary>2.x API token.</summary>
    public string? Token { get; set; }

    public TimestampPrecision Precision { get; set; } = TimestampPrecision.Milliseconds;

    /// <summary>Lines per request (InfluxDB recommends 5,000).</summary>
    public int BatchSize { get; set; } = 5_000;

    /// <summary>A partial batch is sent after this long.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    public bool Gzip { get; set; } = true;

    /// <summary>Batches handed to the writer and not yet taken; a caller's write waits while this many are queued.</summary>
    public int MaxPendingBatches { get; set; } = 64;

    /// <summary>Retries of one request on 429, 5xx, timeouts and connection errors before its lines spill to disk.</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Upper bound on one back-off, including a server's Retry-After.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Folder of append-only segment files holding lines that could not be delivered.</summary>
    public string SpillDirectory { get; set; } = "data/influx-spill";

    public long SpillSegmentBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>When the spill holds this much, the writer stops taking batches: callers wait (back-pressure), nothing is dropped.</summary>
    public long SpillMaxBytes { get; set; } = 4L * 1024 * 1024 * 1024;

    /// <summary>How often a spilled backlog probes the server while it is unreachable.</summary>
    public TimeSpan ReplayInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Problems that make these options unusable, each as a sentence; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"Telemetry:InfluxDb:Url '{Url}' is not an absolute http(s) URL.");
        }

        switch (ApiVersion)
        {
            case InfluxApiVersion.V1:
                if (string.IsNullOrWhiteSpace(Database))
                {
                    errors.Add("Telemetry:InfluxDb:Database is required for the 1.x API.");
                }

                if (string.IsNullOrEmpty(Username) != string.IsNullOrEmpty(Password))
                {
                    errors.Add("Telemetry:InfluxDb:Username and Password go together.");
                }

                break;
            case InfluxApiVersion.V2:
                if (string.IsNullOrWhiteSpace(Bucket))
                {
                    errors.Add("Telemetry:InfluxDb:Bucket is required for the 2.x API.");
                }

                if (string.IsNullOrWhiteSpace(Org))
                {
                    errors.Add("Telemetry:InfluxDb:Org is required for the 2.x API.");
                }

                break;
            default:
                errors.Add($"Telemetry:InfluxDb:ApiVersion '{ApiVersion}' is not V1 or V2.");
                break;
        }

        if (!Enum.IsDefined(Precision))
        {
            errors.Add($"Telemetry:InfluxDb:Precision '{Precision}' is not one of Nanoseconds, Microseconds, Milliseconds, Seconds.");
        }

        Positive(errors, BatchSize, "BatchSize");
        Positive(errors, MaxPendingBatches, "MaxPendingBatches");
        if (MaxRetryAttempts < 0)
        {
            errors.Add("Telemetry:InfluxDb:MaxRetryAttempts cannot be negative.");
        }

        PositiveTime(errors, FlushInterval, "FlushInterval");
        PositiveTime(errors, RetryBaseDelay, "RetryBaseDelay");
        PositiveTime(errors, RetryMaxDelay, "RetryMaxDelay");
        PositiveTime(errors, RequestTimeout, "RequestTimeout");
        PositiveTime(errors, ReplayInterval, "ReplayInterval");
        if (string.IsNullOrWhiteSpace(SpillDirectory))
        {
            errors.Add("Telemetry:InfluxDb:SpillDirectory is required: undeliverable lines are kept there.");
        }

        if (SpillSegmentBytes < 4096)
        {
            errors.Add("Telemetry:InfluxDb:SpillSegmentBytes must be at least 4096.");
        }

        if (SpillMaxBytes < SpillSegmentBytes)
        {
            errors.Add("Telemetry:InfluxDb:SpillMaxBytes must be at least SpillSegmentBytes.");
        }

        return errors;
    }

    private static void Positive(List<string> errors, int value, string name)
    {
        if (value <= 0)
        {
            errors.Add($"Telemetry:InfluxDb:{name} must be positive (is {value}).");
        }
    }

    private static void PositiveTime(List<string> errors, TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"Telemetry:InfluxDb:{name} must be positive (is {value}).");
        }
    }
}
