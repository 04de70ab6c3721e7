namespace IoTFireAlert.Server.DeadLetters;

/// <summary>A message the server could not use: where it came from, why, and its raw bytes.</summary>
public sealed record DeadLetter(long Id, long At, string Topic, string Stage, string? Vendor, string? DeviceId, string Reason, byte[]? Payload);
