namespace IoTFireAlert.Dispatch.Import;

/// <summary>The rows that parsed and, separately, each row that did not with its reason.</summary>
public sealed record ImportResult<T>(IReadOnlyList<T> Items, IReadOnlyList<ImportError> Errors)
{
    public bool HasErrors => Errors.Count > 0;
}
