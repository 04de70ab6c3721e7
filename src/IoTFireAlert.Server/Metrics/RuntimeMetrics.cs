namespace IoTFireAlert.Server.Metrics;

/// <summary>
/// The process's memory and the garbage collector's view of it, so a memory figure (bench/load.sh
/// --devices-1m) can tell live objects from heap the collector keeps committed, and a latency figure
/// can tell the collector's pauses from the server's own work.
/// </summary>
public sealed class RuntimeMetrics : IMetricsSource
{
    public void WriteMetrics(PrometheusWriter writer)
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        var info = GC.GetGCMemoryInfo();
        writer.Gauge("process_resident_memory_bytes", "Resident set size.", process.WorkingSet64)
            .Gauge("dotnet_gc_heap_size_bytes", "GC heap size after the last collection (live objects plus fragmentation).", info.HeapSizeBytes)
            .Gauge("dotnet_gc_fragmented_bytes", "Free space inside the GC heap after the last collection.", info.FragmentedBytes)
            .Gauge("dotnet_gc_committed_bytes", "Memory the GC has committed.", info.TotalCommittedBytes)
            .Gauge("dotnet_gc_allocated_bytes", "Bytes allocated since the process started.", GC.GetTotalAllocatedBytes())
            .Gauge("dotnet_gc_server", "1 when the server garbage collector is in use.", System.Runtime.GCSettings.IsServerGC ? 1 : 0)
            .Counter("dotnet_gc_pause_seconds_total", "Time the process was paused for garbage collection (alarm latency includes it).", GC.GetTotalPauseDuration().TotalSeconds);
        for (var generation = 0; generation <= GC.MaxGeneration; generation++)
        {
            writer.Counter("dotnet_gc_collections_total", "Garbage collections, by generation.", GC.CollectionCount(generation), ("generation", generation.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
    }
}
