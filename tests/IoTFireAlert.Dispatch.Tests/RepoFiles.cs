namespace IoTFireAlert.Dispatch.Tests;

/// <summary>Files of the repository (sample configuration), found by walking up to the solution.</summary>
internal static class RepoFiles
{
    public static string PathOf(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "IoTFireAlert.sln")))
        {
            dir = dir.Parent;
        }

        Assert.True(dir is not null, "IoTFireAlert.sln not found above " + AppContext.BaseDirectory);
        return Path.Combine(dir!.FullName, relative);
    }

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));
}
