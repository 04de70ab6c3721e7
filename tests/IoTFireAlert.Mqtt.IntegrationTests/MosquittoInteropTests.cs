using System.Diagnostics;
using System.Text;
using IoTFireAlert.TestSupport;

namespace IoTFireAlert.Mqtt.IntegrationTests;

/// <summary>The reference command-line clients talk to ours, both directions.</summary>
public sealed class MosquittoInteropTests : IDisposable
{
    private readonly MosquittoBroker _broker = MosquittoBroker.Start();

    public void Dispose() => _broker.Dispose();

    [Fact]
    public async Task MosquittoPub_V5WithUserProperty_OurClientReceivesIt()
    {
        await using var client = await Clients.ConnectAsync(Clients.Options(_broker, "interop-sub"));
        await client.SubscribeAsync([new MqttSubscription("interop/#", MqttQualityOfService.AtLeastOnce)]);

        var (code, output) = await RunAsync("mosquitto_pub", "-h", "127.0.0.1", "-p", _broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-V", "mqttv5", "-q", "1", "-t", "interop/up", "-m", "hello-from-mosquitto", "-D", "publish", "user-property", "vendor", "acme");
        Assert.True(code == 0, output);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var message = await client.Messages.ReadAsync(cts.Token);
        Assert.Equal("interop/up", message.Topic);
        Assert.Equal("hello-from-mosquitto", Encoding.UTF8.GetString(message.PayloadSpan));
        Assert.Equal([new MqttUserProperty("vendor", "acme")], message.GetUserProperties());
        client.Acknowledge(in message);
        message.Dispose();
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311, "mqttv311")]
    [InlineData(MqttProtocolVersion.V500, "mqttv5")]
    public async Task OurPublish_MosquittoSubReceivesIt(MqttProtocolVersion version, string cliVersion)
    {
        var port = _broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var sub = RunAsync("mosquitto_sub", "-h", "127.0.0.1", "-p", port, "-V", cliVersion, "-q", "2", "-t", "interop2/#", "-C", "3", "-W", "15", "-F", "%t %p");
        await using var client = await Clients.ConnectAsync(Clients.Options(_broker, "interop-pub-" + cliVersion, version));

        // mosquitto_sub subscribes asynchronously; publish retained-free messages until it has all three.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        var i = 0;
        while (!sub.IsCompleted && DateTime.UtcNow < deadline)
        {
            await client.PublishAsync("interop2/x", Encoding.UTF8.GetBytes("m" + i++), (MqttQualityOfService)(i % 3));
            await Task.Delay(100);
        }

        var (code, output) = await sub;
        Assert.True(code == 0, output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.All(lines, l => Assert.StartsWith("interop2/x m", l, StringComparison.Ordinal));
    }

    private static async Task<(int Code, string Output)> RunAsync(string binary, params string[] args)
    {
        var info = new ProcessStartInfo(ServerProcess.Require(binary, "mosquitto-clients")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
