namespace IoTFireAlert.Server.Hazards;

/// <summary>GET /api/workorders query: any combination, newest first.</summary>
public sealed record WorkOrderFilter(string? State = null, string? Site = null, string? Grid = null, string? DeviceId = null, string? Assignee = null, bool? Open = null, int Limit = 200);
