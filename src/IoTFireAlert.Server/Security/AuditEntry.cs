namespace IoTFireAlert.Server.Security;

/// <summary>One state-changing request: who (key, user or "anonymous"), what, when, from where, and how it ended.</summary>
public sealed record AuditEntry(long Id, long At, string Actor, string? Role, string Method, string Path, long Status, string? Remote);
