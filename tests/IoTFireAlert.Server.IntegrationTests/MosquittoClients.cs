using System.Diagnostics;
using System.Globalization;

namespace IoTFireAlert.Server.IntegrationTests;

/// <summary>Publishes with Mosquitto's own client, an implementation independent of ours.</summary>
public static class MosquittoClients
{
    public static async Task PublishAsync(int port, string topic, string payload, int qos = 1, string? username = null, string? password = null)
    {
        var info = new ProcessStartInfo(IoTFireAlert.TestSupport.ServerProcess.Require("mosquitto_pub", "mosquitto-clients"))
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var argument in new[] { "-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-q", qos.ToString(CultureInfo.InvariantCulture), "-t", topic, "-m", payload })
        {
            info.ArgumentList.Add(argument);
        }

        if (username is not null)
        {
            info.ArgumentList.Add("-u");
            info.ArgumentList.Add(username);
            info.ArgumentList.Add("-P");
            info.ArgumentList.Add(password ?? "");
        }

        using var process = Process.Start(info)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"mosquitto_pub to {topic} failed ({process.ExitCode}): {error}");
        }
    }
}
