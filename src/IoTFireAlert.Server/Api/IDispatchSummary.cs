namespace IoTFireAlert.Server.Api;

/// <summary>Dispatches still waiting for their responder's answer, for the console's countdowns.</summary>
public interface IDispatchSummary
{
    IEnumerable<object> Unacknowledged();
}
