namespace IoTFireAlert.Server.Responders;

/// <summary>A system that receives signed alarm pushes: station systems ("stations"), the fleet tracker ("fleet"), or both ("all").</summary>
public sealed class WebhookTarget
{
    public string Name { get; set; } = "";
    public string Url { get; set; } = "";
    public string Secret { get; set; } = "";
    public string For { get; set; } = "all";
}
