namespace IoTFireAlert.Server.Api;

/// <summary>One console file as served: its bytes, content type and strong ETag.</summary>
public sealed record ConsoleAsset(string Name, string ContentType, byte[] Bytes, string ETag);
