namespace IoTFireAlert.LoadProbe;

/// <summary>Dispatches the verb; a bad argument is exit code 2 with the reason, as a usage error.</summary>
public static class ProbeCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is not ("alarms" or "background"))
        {
            await Console.Error.WriteLineAsync("usage: IoTFireAlert.LoadProbe alarms|background --broker HOST:PORT ... (see Program.cs)");
            return 2;
        }

        ProbeArguments options;
        try
        {
            options = new ProbeArguments(args.Skip(1));
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }

        try
        {
            return args[0] == "alarms"
                ? await AlarmLatencyProbe.RunAsync(options)
                : await BackgroundPublisher.RunAsync(options);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }
    }
}
