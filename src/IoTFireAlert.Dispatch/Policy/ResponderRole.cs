namespace IoTFireAlert.Dispatch.Policy;

/// <summary>Primary responders turn out; warned ones stand by (e.g. the fire station on an electrical alarm).</summary>
public enum ResponderRole : byte
{
    Primary = 1,
    Warn = 2,
}
