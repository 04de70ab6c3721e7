namespace IoTFireAlert.Server.Metrics;

/// <summary>A part of the server that reports its counters and gauges on GET /metrics.</summary>
public interface IMetricsSource
{
    void WriteMetrics(PrometheusWriter writer);
}
