using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace IoTFireAlert.TestSupport;

/// <summary>
/// A real server binary started for a test: bound to 127.0.0.1, waited on until its port
/// answers, stopped by process id (never by name). Its output is kept for failure messages.
/// </summary>
public sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerProcess(Process process)
    {
        _process = process;
    }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Finds <paramref name="binary"/> on PATH or in the usual sbin folders, or fails with what to install.</summary>
    public static string Require(string binary, string debianPackage)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/usr/sbin", "/usr/bin", "/usr/local/bin", "/usr/local/sbin"]))
        {
            var candidate = Path.Combine(dir, binary);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            $"'{binary}' was not found. Install it with 'apt-get install -y {debianPackage}' (./test.sh does this).");
    }

    public static ServerProcess Start(string fileName, IEnumerable<string> arguments, int port, TimeSpan? timeout = null, IDictionary<string, string>? environment = null)
    {
        var server = Launch(fileName, arguments, environment);
        server.WaitForPort(port, timeout ?? TimeSpan.FromSeconds(20));
        return server;
    }

    /// <summary>Starts the binary and returns at once; the caller waits for whatever tells it the server is ready.</summary>
    public static ServerProcess Launch(string fileName, IEnumerable<string> arguments, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        var server = new ServerProcess(process);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>
    /// Waits until a line of the output matches <paramref name="pattern"/> and returns the match.
    /// A server told to listen on port 0 says which port it got; reading that beats asking for a
    /// free port first, which another process can take before the server binds it.
    /// </summary>
    public Match WaitForOutput(Regex pattern, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var match = pattern.Match(Output);
            if (match.Success)
            {
                return match;
            }

            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{_process.StartInfo.FileName} exited with {_process.ExitCode} before printing /{pattern}/:\n{Output}");
            }

            if (DateTime.UtcNow > deadline)
            {
                Stop();
                throw new TimeoutException($"{_process.StartInfo.FileName} did not print /{pattern}/ within {timeout}:\n{Output}");
            }

            Thread.Sleep(50);
        }
    }

    public void WaitForPort(int port, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{_process.StartInfo.FileName} exited with {_process.ExitCode} before listening on {port}:\n{Output}");
            }

            try
            {
                using var client = new TcpClient();
                client.Connect("127.0.0.1", port);
                if (ListensOn(port))
                {
                    return;
                }

                // Another process holds the port (picked free, then taken before this one bound it):
                // its answers must not pass for ours; this process fails to bind and exits, or we time out.
                if (DateTime.UtcNow > deadline)
                {
                    Stop();
                    throw new TimeoutException($"port {port} answers, but not from {_process.StartInfo.FileName} (pid {_process.Id}):\n{Output}");
                }

                Thread.Sleep(50);
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
            catch (SocketException e)
            {
                Stop();
                throw new TimeoutException($"{_process.StartInfo.FileName} did not listen on {port} within {timeout}: {e.Message}\n{Output}");
            }
        }
    }

    /// <summary>
    /// Whether the socket listening on 127.0.0.1:<paramref name="port"/> is one of this process's
    /// (Linux: the socket's inode in /proc/net/tcp among the links in /proc/PID/fd). True where /proc is absent.
    /// </summary>
    private bool ListensOn(int port)
    {
        var fdDirectory = $"/proc/{_process.Id}/fd";
        if (!File.Exists("/proc/net/tcp") || !Directory.Exists(fdDirectory))
        {
            return true;
        }

        var localAddress = ":" + port.ToString("X4", System.Globalization.CultureInfo.InvariantCulture);
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" }.Where(File.Exists))
        {
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                var columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (columns.Length > 9 && columns[1].EndsWith(localAddress, StringComparison.Ordinal) && columns[3] == "0A")
                {
                    inodes.Add($"socket:[{columns[9]}]");
                }
            }
        }

        try
        {
            return Directory.EnumerateFileSystemEntries(fdDirectory).Any(fd => new FileInfo(fd).LinkTarget is { } target && inodes.Contains(target));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return !_process.HasExited;
        }
    }

    /// <summary>Stops the server the hard way (SIGKILL), as a crash would.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    /// <summary>Stops the server politely (SIGTERM), then hard if it lingers.</summary>
    public void Stop()
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            kill?.WaitForExit(5_000);
        }

        if (!_process.WaitForExit(10_000))
        {
            Kill();
        }
    }

    public void Dispose()
    {
        Stop();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (_output.Length < 1_000_000)
            {
                _output.AppendLine(line);
            }
        }
    }
}
