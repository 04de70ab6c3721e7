namespace IoTFireAlert.Server.Security;

/// <summary>One API key: who holds it and what it may do. The key itself comes from configuration or the environment.</summary>
public sealed class ApiKeyEntry
{
    public string Name { get; set; } = "";
    public string Key { get; set; } = "";
    public string Role { get; set; } = "viewer";
}
