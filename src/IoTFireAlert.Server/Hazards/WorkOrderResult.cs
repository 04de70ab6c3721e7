namespace IoTFireAlert.Server.Hazards;

/// <summary>The order after an action, or why the action was refused (an HTTP status and a reason; nothing was changed).</summary>
public sealed record WorkOrderResult(WorkOrder? Order, string? Error, int StatusCode)
{
    public static WorkOrderResult Ok(WorkOrder order, int statusCode = 200) => new(order, null, statusCode);

    public static WorkOrderResult Refused(int statusCode, string reason, WorkOrder? order = null) => new(order, reason, statusCode);
}
