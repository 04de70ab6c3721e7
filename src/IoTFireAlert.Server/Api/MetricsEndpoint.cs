using IoTFireAlert.Server.Metrics;

namespace IoTFireAlert.Server.Api;

/// <summary>GET /metrics in Prometheus text format, gathered from every registered <see cref="IMetricsSource"/>.</summary>
public static class MetricsEndpoint
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/metrics", (IEnumerable<IMetricsSource> sources) =>
        {
            var writer = new PrometheusWriter();
            foreach (var source in sources)
            {
                source.WriteMetrics(writer);
            }

            return Results.Text(writer.ToString(), "text/plain; version=0.0.4; charset=utf-8");
        });
    }
}
