namespace IoTFireAlert.Server.Hazards;

/// <summary>A person's step on a work order: POST /api/workorders/{id}/{action}.</summary>
public enum WorkOrderAction : byte
{
    Assign = 1,
    Start = 2,
    Rectified = 3,
    Verify = 4,
    Reject = 5,
    Close = 6,
}
