namespace IoTFireAlert.Server.Hosting;

/// <summary>Binds a configuration section and stops the start with every problem named, not the first stack trace.</summary>
public static class OptionsLoader
{
    public static T Bind<T>(IConfiguration configuration, string section, List<string> problems, Func<T, string?> validate)
        where T : new()
    {
        var options = new T();
        try
        {
            configuration.GetSection(section).Bind(options);
        }
        catch (InvalidOperationException e)
        {
            problems.Add($"{section}: {e.Message}");
            return options;
        }

        if (validate(options) is { } problem)
        {
            problems.Add(problem);
        }

        return options;
    }
}
