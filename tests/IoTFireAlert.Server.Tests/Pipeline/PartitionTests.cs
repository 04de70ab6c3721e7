using IoTFireAlert.Ingestion.Decoders;
using IoTFireAlert.Ingestion.Rules;
using IoTFireAlert.Server.Devices;
using IoTFireAlert.Server.Pipeline;
using IoTFireAlert.Server.Tests.Alarms;
using IoTFireAlert.Telemetry;
using NSubstitute;

namespace IoTFireAlert.Server.Tests.Pipeline;

public sealed class PartitionTests
{
    [Fact]
    public async Task IdlePartition_StopsWhenCancelled()
    {
        await using var f = new AlarmWriterFixture();
        var context = new PartitionContext(new PipelineOptions(), new DecoderRegistry(new Dictionary<string, IPayloadDecoder>()), new RuleEngine(),
            new DeviceDirectory(), Substitute.For<ITelemetrySink>(), f.Writer, f.DeadLetters, new UnknownDeviceQuarantine(f.Database, TimeProvider.System), _ => { });
        var partition = new Partition(0, context);
        using var stop = new CancellationTokenSource();
        var running = partition.RunAsync(stop.Token);
        await Task.Delay(200);
        Assert.False(running.IsCompleted);

        await stop.CancelAsync();

        // It waits on its inbox without the token: stopping must still reach it.
        var ended = await Task.WhenAny(running, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.Same(running, ended);
        Assert.True(running.IsCanceled);
    }
}
