namespace IoTFireAlert.Server.Hazards;

/// <summary>An action with the person taking it; <see cref="Assignee"/> and <see cref="Grid"/> only matter to assign.</summary>
public sealed record WorkOrderStep(WorkOrderAction Action, string Actor, string? Assignee = null, string? Grid = null, string? Note = null);
