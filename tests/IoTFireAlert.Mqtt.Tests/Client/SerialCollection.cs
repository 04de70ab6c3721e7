namespace IoTFireAlert.Mqtt.Tests.Client;

/// <summary>Tests that measure process-wide allocations run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "serial";
}
