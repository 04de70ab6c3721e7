using System.Diagnostics;
using System.Globalization;
using IoTFireAlert.TestSupport;

namespace IoTFireAlert.Server.IntegrationTests;

/// <summary>
/// The broker that ./run.sh starts, configured by scripts/broker-config.sh: no anonymous access, and
/// every account (vendor, station, server) may speak and listen only for itself.
/// </summary>
public sealed class BrokerAclTests(BrokerAclTests.Broker broker) : IClassFixture<BrokerAclTests.Broker>
{
    private readonly int _port = broker.Port;

    /// <summary>Configured and started once for the class: hashing every account's password takes a while.</summary>
    public sealed class Broker : IDisposable
    {
        private readonly string _directory = Path.Combine(Path.GetTempPath(), "iotfire-acl-" + Guid.NewGuid().ToString("N")[..10]);
        private readonly int _port = FreePort.Next();
        private readonly ServerProcess _broker;

        public int Port => _port;

        public Dictionary<string, string> Passwords { get; } = [];

        public Broker()
        {
            var script = Path.Combine(ServerUnderTest.RepositoryRoot(), "scripts", "broker-config.sh");
            using (var configure = Process.Start(new ProcessStartInfo("bash", [script, _directory, _port.ToString(CultureInfo.InvariantCulture)]) { RedirectStandardError = true })!)
            {
                var error = configure.StandardError.ReadToEnd();
                configure.WaitForExit();
                Assert.True(configure.ExitCode == 0, $"broker-config.sh failed: {error}");
            }

            foreach (var line in File.ReadLines(Path.Combine(_directory, "credentials.env")))
            {
                var (key, value) = (line[..line.IndexOf('=', StringComparison.Ordinal)], line[(line.IndexOf('=', StringComparison.Ordinal) + 1)..]);
                Passwords[key] = value;
            }

            _broker = ServerProcess.Start(ServerProcess.Require("mosquitto", "mosquitto"), ["-c", Path.Combine(_directory, "mosquitto.conf")], _port);
        }

        public void Dispose()
        {
            _broker.Dispose();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    [Fact]
    public async Task Anonymous_IsRefused()
    {
        var (code, error) = await RunAsync("mosquitto_pub", ["-t", "dev/acme/SX-0001-SD01/up", "-m", "x"]);
        Assert.NotEqual(0, code);
        Assert.Contains("not authorised", error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Vendor_PublishesOnlyUnderItsOwnPrefix_AndCannotReadStations()
    {
        using var server = Listen("iotfire-server", "dev/+/+/up");
        using var spy = Listen("vendor-acme", "stations/#");
        await Task.Delay(700);
        await PublishAs("vendor-acme", "dev/acme/SX-0001-SD01/up", "own");
        await PublishAs("vendor-acme", "dev/gbt/uitd-001/up", "forged");
        await PublishAs("iotfire-server", "stations/SX-FS-01/alarms", "alarm");
        await Task.Delay(1500);

        Assert.Equal(["dev/acme/SX-0001-SD01/up own"], server.Lines);
        Assert.Empty(spy.Lines);
    }

    [Fact]
    public async Task Station_ReadsOnlyItsOwnTopic()
    {
        using var own = Listen("station-SX-FS-01", "stations/SX-FS-01/alarms");
        using var other = Listen("station-SX-FS-01", "stations/SX-FS-02/alarms");
        await Task.Delay(700);
        await PublishAs("iotfire-server", "stations/SX-FS-01/alarms", "mine");
        await PublishAs("iotfire-server", "stations/SX-FS-02/alarms", "theirs");
        await Task.Delay(1500);

        Assert.Equal(["stations/SX-FS-01/alarms mine"], own.Lines);
        Assert.Empty(other.Lines);
    }

    private string Password(string user) => broker.Passwords["MQTT_PASSWORD_" + user.ToUpperInvariant().Replace('-', '_').Replace('.', '_')];

    private async Task PublishAs(string user, string topic, string payload)
    {
        // A refused publish is dropped by the broker silently (MQTT 3.1.1): the listeners tell.
        await RunAsync("mosquitto_pub", ["-u", user, "-P", Password(user), "-q", "1", "-t", topic, "-m", payload]);
    }

    private Listener Listen(string user, string filter) => new(_port, user, Password(user), filter);

    private async Task<(int Code, string Error)> RunAsync(string tool, string[] arguments)
    {
        var info = new ProcessStartInfo(ServerProcess.Require(tool, "mosquitto-clients")) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-h", "127.0.0.1", "-p", _port.ToString(CultureInfo.InvariantCulture) }.Concat(arguments))
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, error);
    }

    private sealed class Listener : IDisposable
    {
        private readonly Process _process;
        private readonly List<string> _lines = [];

        public Listener(int port, string user, string password, string filter)
        {
            var info = new ProcessStartInfo(ServerProcess.Require("mosquitto_sub", "mosquitto-clients")) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-u", user, "-P", password, "-q", "1", "-v", "-t", filter })
            {
                info.ArgumentList.Add(a);
            }

            _process = Process.Start(info)!;
            _process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    lock (_lines)
                    {
                        _lines.Add(e.Data);
                    }
                }
            };
            _process.BeginOutputReadLine();
        }

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_lines)
                {
                    return [.. _lines];
                }
            }
        }

        public void Dispose()
        {
            _process.Kill();
            _process.Dispose();
        }
    }
}
