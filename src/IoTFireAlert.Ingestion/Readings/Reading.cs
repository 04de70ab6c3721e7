namespace IoTFireAlert.Ingestion.Readings;

/// <summary>One value of one signal. <see cref="Channel"/> tells phases or charging ports apart (0 when there is one).</summary>
public readonly record struct Reading(Signal Signal, double Value, byte Channel = 0);
