namespace IoTFireAlert.Server.Hosting;

/// <summary>The configuration cannot run: every problem found, each a sentence an operator can act on.</summary>
public sealed class ConfigurationProblemException(IReadOnlyList<string> problems)
    : Exception("configuration problems: " + string.Join("; ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
