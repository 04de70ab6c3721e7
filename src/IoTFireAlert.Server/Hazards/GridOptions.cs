namespace IoTFireAlert.Server.Hazards;

/// <summary>A community grid cell: the members who rectify hazards in it and the supervisor an overdue order escalates to.</summary>
public sealed class GridOptions
{
    public string Id { get; set; } = "";

    public string? Name { get; set; }

    /// <summary>Grid members; the first takes new orders, any of them may be assigned by hand.</summary>
    public List<string> Members { get; set; } = [];

    public string Supervisor { get; set; } = "";
}
