using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;

namespace IoTFireAlert.Benchmarks;

/// <summary>The one configuration every benchmark shares: memory diagnoser on, short but stable runs.</summary>
public static class BenchmarkConfig
{
    public static IConfig Create() => ManualConfig.CreateMinimumViable()
        .AddDiagnoser(MemoryDiagnoser.Default)
        .AddColumn(StatisticColumn.Median, StatisticColumn.P95)
        .AddExporter(MarkdownExporter.GitHub)
        .AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(10))
        .WithOptions(ConfigOptions.DisableOptimizationsValidator);
}
