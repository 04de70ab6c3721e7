namespace IoTFireAlert.Server.Responders;

/// <summary>Configuration section "Dispatch": the policy, the first-start station and fleet lists, webhook targets.</summary>
public sealed class DispatchSettings
{
    public bool Enabled { get; set; } = true;
    public string PolicyFile { get; set; } = "config/dispatch.json";
    /// <summary>Imported at first start when no station is stored.</summary>
    public string? StationsFile { get; set; } = "config/stations.sample.json";
    public string? FleetFile { get; set; } = "config/fleet.sample.json";
    /// <summary>Where escalations go when no unit answers: an MQTT topic the duty supervisor's terminal reads.</summary>
    public string SupervisorTopic { get; set; } = "stations/supervisor/alarms";
    public List<WebhookTarget> Webhooks { get; set; } = [];

    public string? Validate(string root)
    {
        foreach (var (name, path) in new[] { ("PolicyFile", PolicyFile), ("StationsFile", StationsFile), ("FleetFile", FleetFile) })
        {
            if (path is not null && !File.Exists(Path.Combine(root, path)))
            {
                return $"Dispatch:{name} '{path}' does not exist";
            }
        }

        foreach (var hook in Webhooks)
        {
            if (string.IsNullOrWhiteSpace(hook.Name) || !Uri.TryCreate(hook.Url, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
            {
                return $"Dispatch:Webhooks '{hook.Name}': a Name and an absolute http(s) Url are required";
            }

            if (hook.Secret.Length < 16)
            {
                return $"Dispatch:Webhooks '{hook.Name}': the Secret (HMAC-SHA256 key) must be at least 16 characters; set it from the environment";
            }

            if (hook.For is not ("stations" or "fleet" or "all"))
            {
                return $"Dispatch:Webhooks '{hook.Name}': For must be stations, fleet or all";
            }
        }

        return null;
    }
}
