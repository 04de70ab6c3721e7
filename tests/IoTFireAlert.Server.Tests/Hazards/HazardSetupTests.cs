using IoTFireAlert.Server.Hazards;
using Microsoft.Extensions.Configuration;

namespace IoTFireAlert.Server.Tests.Hazards;

public sealed class HazardSetupTests
{
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "config", "hazards.json")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("config/hazards.json not found above the test output");
    }

    [Fact]
    public void ShippedConfiguration_LoadsWithoutProblems_AndCoversTheSampleDevicesGrids()
    {
        var root = RepositoryRoot();
        var problems = new List<string>();
        var options = HazardSetup.Load(new ConfigurationBuilder().Build(), root, problems);

        Assert.Empty(problems);
        Assert.Equal(72, options.VerificationWindowHours);
        Assert.NotNull(options.RepeatRuleFor(Ingestion.Alarms.AlarmType.ChargingPileLeakage));
        var sampleGrids = File.ReadLines(Path.Combine(root, "config", "devices.sample.csv")).Skip(1)
            .Select(line => line.Split(',')[8]).Where(g => g.Length > 0).Distinct();
        Assert.All(sampleGrids, grid => Assert.NotNull(options.Grid(grid)));
    }

    [Fact]
    public void BadConfiguration_NamesEveryProblem()
    {
        var directory = Path.Combine(Path.GetTempPath(), "iotfire-hazards-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        try
        {
            File.WriteAllText(Path.Combine(directory, "h.json"), """
                { "Hazards": {
                    "Grids": [ { "Id": "G1", "Members": [], "Supervisor": "" }, { "Id": "G1", "Members": ["a"], "Supervisor": "b" } ],
                    "DeadlineHours": { "Severe": 3 },
                    "RepeatRules": [ { "Types": ["ChargingPileMelting"], "Times": 0, "WindowHours": 24 } ]
                } }
                """);
            var main = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Hazards:File"] = "h.json" }).Build();
            var problems = new List<string>();
            HazardSetup.Load(main, directory, problems);

            Assert.Contains(problems, p => p.Contains("at least one member", StringComparison.Ordinal));
            Assert.Contains(problems, p => p.Contains("Supervisor is required", StringComparison.Ordinal));
            Assert.Contains(problems, p => p.Contains("listed twice", StringComparison.Ordinal));
            Assert.Contains(problems, p => p.Contains("'Severe' is not a severity", StringComparison.Ordinal));
            Assert.Contains(problems, p => p.Contains("'ChargingPileMelting' is not an alarm type", StringComparison.Ordinal));
            Assert.Contains(problems, p => p.Contains("Times must be >= 1", StringComparison.Ordinal));

            var missing = new List<string>();
            HazardSetup.Load(main, Path.Combine(directory, "elsewhere"), missing);
            Assert.Contains("does not exist", Assert.Single(missing), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
