using System.Text;

namespace IoTFireAlert.TestSupport;

/// <summary>
/// A real Mosquitto for one test class: its own config in a temporary folder, a free port on
/// 127.0.0.1, persistence on so that persistent sessions survive within its lifetime.
/// Use <see cref="Start"/> with extra configuration lines for TLS, passwords or ACLs.
/// </summary>
public sealed class MosquittoBroker : IDisposable
{
    private ServerProcess _server;
    private readonly string _configPath;

    private MosquittoBroker(ServerProcess server, string directory, string configPath, int port)
    {
        _server = server;
        Directory = directory;
        _configPath = configPath;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The temporary folder holding the broker's config and persistence.</summary>
    public string Directory { get; }

    public int ProcessId => _server.ProcessId;

    public string Output => _server.Output;

    /// <param name="extraConfig">Lines appended to the config (they may refer to {dir} for the temp folder).</param>
    /// <param name="listenerConfig">Replaces the default plain listener lines when given (e.g. for TLS); {port} and {dir} are substituted.</param>
    public static MosquittoBroker Start(string extraConfig = "", string? listenerConfig = null)
    {
        var binary = ServerProcess.Require("mosquitto", "mosquitto");
        var dir = Path.Combine(Path.GetTempPath(), "iotfire-mosquitto-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(dir);
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Next();
            try
            {
                return StartOn(binary, dir, port, extraConfig, listenerConfig);
            }
            catch (InvalidOperationException e) when (attempt < 3 && e.Message.Contains("Address already in use", StringComparison.Ordinal))
            {
                // The port was free when picked and taken before the broker bound it: pick another.
            }
        }
    }

    private static MosquittoBroker StartOn(string binary, string dir, int port, string extraConfig, string? listenerConfig)
    {
        var config = new StringBuilder()
            .AppendLine("persistence true")
            .AppendLine($"persistence_location {dir}/")
            .AppendLine("log_dest stdout")
            .AppendLine("log_type error")
            .AppendLine("log_type warning")
            .AppendLine("max_queued_messages 100000")
            .AppendLine("max_inflight_messages 0")
            .AppendLine("max_keepalive 65535")
            .AppendLine("set_tcp_nodelay true")
            .AppendLine("per_listener_settings false");
        var listener = listenerConfig ?? "listener {port} 127.0.0.1\nallow_anonymous true";
        config.AppendLine(listener.Replace("{port}", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal).Replace("{dir}", dir, StringComparison.Ordinal));
        config.AppendLine(extraConfig.Replace("{dir}", dir, StringComparison.Ordinal));
        var configPath = Path.Combine(dir, "mosquitto.conf");
        File.WriteAllText(configPath, config.ToString());
        GiveToBrokerUser(dir);
        var server = ServerProcess.Start(binary, ["-c", configPath], port);
        return new MosquittoBroker(server, dir, configPath, port);
    }

    /// <summary>
    /// Started as root, Mosquitto drops to its own user, which must be able to write its persistence
    /// file into the folder (else a restart would silently lose the queued messages).
    /// </summary>
    public static void GiveToBrokerUser(string directory)
    {
        if (Environment.UserName != "root")
        {
            return;
        }

        using var chown = System.Diagnostics.Process.Start("chown", ["-R", "mosquitto", directory]);
        chown?.WaitForExit(5_000);
    }

    /// <summary>Kills the broker (SIGKILL) and starts it again on the same port with the same config and data.</summary>
    public void Restart(bool hard = false)
    {
        if (hard)
        {
            _server.Kill();
        }
        else
        {
            _server.Stop();
        }

        _server.Dispose();
        _server = ServerProcess.Start(ServerProcess.Require("mosquitto", "mosquitto"), ["-c", _configPath], Port);
    }

    public void Dispose()
    {
        _server.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; never fail a test over it.
        }
    }
}
