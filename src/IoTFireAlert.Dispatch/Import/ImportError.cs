namespace IoTFireAlert.Dispatch.Import;

/// <summary>
/// Why one row was not imported. <see cref="Row"/> is the 1-based element of a JSON array, or the
/// 1-based line of a CSV file (the header is line 1).
/// </summary>
public sealed record ImportError(int Row, string Reason)
{
    public override string ToString() => $"row {Row}: {Reason}";
}
