namespace IoTFireAlert.Server.Security;

/// <summary>
/// A console user from configuration. Only the PBKDF2 hash is configured (make one with
/// <c>IoTFireAlert.Server hash-password</c>); a plain password never appears in a file.
/// </summary>
public sealed class UserEntry
{
    public string Name { get; set; } = "";
    public string PasswordHash { get; set; } = "";
    public string Role { get; set; } = "viewer";
}
