namespace IoTFireAlert.Simulator.Tests;

/// <summary>Paths in the repository the tests read: the server's own configuration is the contract.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Config => Path.Combine(Root, "config");

    public static string SampleDevices => Path.Combine(Config, "devices.sample.csv");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "IoTFireAlert.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root not found");
    }
}
