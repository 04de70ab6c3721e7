namespace IoTFireAlert.Server.Hazards;

/// <summary>found -> assigned -> rectifying -> awaiting_verification -> closed; a recurrence sends an order back to assigned.</summary>
public static class WorkOrderStates
{
    public const string Found = "found";
    public const string Assigned = "assigned";
    public const string Rectifying = "rectifying";
    public const string AwaitingVerification = "awaiting_verification";
    public const string Closed = "closed";

    public static readonly string[] All = [Found, Assigned, Rectifying, AwaitingVerification, Closed];

    /// <summary>States in which the rectification deadline runs.</summary>
    public static bool BeforeRectification(string state) => state is Found or Assigned or Rectifying;
}
