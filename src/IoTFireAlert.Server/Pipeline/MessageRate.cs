namespace IoTFireAlert.Server.Pipeline;

/// <summary>Messages per second over the last few seconds, sampled from the ingress counter once a second.</summary>
public sealed class MessageRate(IngestionPipeline pipeline, TimeProvider clock) : BackgroundService
{
    private double _perSecond;

    public double PerSecond => Volatile.Read(ref _perSecond);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), clock);
        var lastCount = pipeline.Received;
        var lastTime = clock.GetTimestamp();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var count = pipeline.Received;
                var now = clock.GetTimestamp();
                var seconds = clock.GetElapsedTime(lastTime, now).TotalSeconds;
                var instant = seconds > 0 ? (count - lastCount) / seconds : 0;
                // Exponential smoothing over ~3 s: steady figures for a wall display, still quick to follow a storm.
                Volatile.Write(ref _perSecond, Math.Round((0.7 * _perSecond) + (0.3 * instant), 1));
                lastCount = count;
                lastTime = now;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
