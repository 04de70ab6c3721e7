using System.Net;
using System.Net.Sockets;
using IoTFireAlert.TestSupport;

namespace IoTFireAlert.Mqtt.IntegrationTests;

/// <summary>
/// The harness that starts brokers for the tests: a port picked free can be taken before the broker
/// binds it, and then another process's listener must not pass for the broker's.
/// </summary>
public sealed class TestServerPortTests
{
    [Fact]
    public void WaitForPort_RefusesAListenerThatIsNotTheServers()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        using var accepting = new CancellationTokenSource();
        _ = AcceptAllAsync(squatter, accepting.Token);

        var config = Path.Combine(Path.GetTempPath(), $"iotfire-squatted-{Guid.NewGuid():N}.conf");
        File.WriteAllText(config, $"listener {port} 127.0.0.1\nallow_anonymous true\n");
        var mosquitto = ServerProcess.Require("mosquitto", "mosquitto");
        var error = Assert.ThrowsAny<Exception>(() =>
        {
            using var broker = ServerProcess.Start(mosquitto, ["-c", config], port, TimeSpan.FromSeconds(10));
        });
        accepting.Cancel();
        File.Delete(config);

        Assert.True(error is InvalidOperationException or TimeoutException, error.ToString());
        Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    private static async Task AcceptAllAsync(TcpListener listener, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                using var accepted = await listener.AcceptTcpClientAsync(ct);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
