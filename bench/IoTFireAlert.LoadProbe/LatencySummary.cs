namespace IoTFireAlert.LoadProbe;

/// <summary>Nearest-rank percentiles of latencies in milliseconds.</summary>
public sealed class LatencySummary(IReadOnlyList<double> milliseconds)
{
    private readonly double[] _sorted = [.. milliseconds.Order()];

    public int Count => _sorted.Length;

    public double Percentile(double p) =>
        _sorted.Length == 0 ? double.NaN : _sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * _sorted.Length) - 1, 0, _sorted.Length - 1)];

    public double Max => _sorted.Length == 0 ? double.NaN : _sorted[^1];

    public double Mean => _sorted.Length == 0 ? double.NaN : _sorted.Average();
}
