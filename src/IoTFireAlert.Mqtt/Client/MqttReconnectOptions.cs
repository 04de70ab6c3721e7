namespace IoTFireAlert.Mqtt;

/// <summary>Exponential back-off between reconnect attempts: delay doubles from <see cref="InitialDelay"/> up to <see cref="MaxDelay"/>, each randomised by ±<see cref="Jitter"/>.</summary>
public sealed class MqttReconnectOptions
{
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromMilliseconds(100);
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Fraction (0..1) of the delay added or removed at random, so many clients do not reconnect in step.</summary>
    public double Jitter { get; set; } = 0.2;

    internal TimeSpan Delay(int attempt)
    {
        var baseMs = Math.Min(MaxDelay.TotalMilliseconds, InitialDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30)));
        var jitter = 1 + (((Random.Shared.NextDouble() * 2) - 1) * Math.Clamp(Jitter, 0, 1));
        return TimeSpan.FromMilliseconds(Math.Max(0, baseMs * jitter));
    }
}
