namespace IoTFireAlert.Dispatch.Policy;

/// <summary>"Call and answer": each responder must acknowledge within <see cref="Deadline"/>; reminders go out every <see cref="ReminderInterval"/>.</summary>
public sealed record AcknowledgementOptions(TimeSpan Deadline, TimeSpan ReminderInterval)
{
    public static AcknowledgementOptions Default { get; } = new(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(20));
}
