using System.Globalization;
using Microsoft.Diagnostics.Tracing.Etlx;

/// <summary>
/// What each thread was doing in a window of a trace taken with thread-time sampling
/// (<c>TRACE_PROVIDERS="--profile dotnet-sampled-thread-time"</c>): the sample profiler records every
/// managed thread about once a millisecond, running or blocked, so a thread that waited shows the
/// stack it waited in. Prints the samples of all threads by their two innermost frames (where the
/// time went: a lock, a read), the samples blocked on a lock, then, per thread, its samples by their innermost frames.
/// </summary>
internal static class ThreadSamples
{
    private const int Frames = 6;

    public static void Print(TraceLog log, double fromMs, double toMs, int top)
    {
        var byThread = new Dictionary<int, Dictionary<string, int>>();
        var byInnermostPair = new Dictionary<string, int>();
        var source = log.Events.GetSource();
        source.AllEvents += e =>
        {
            if (e.ProviderName != "Microsoft-DotNETCore-SampleProfiler" || e.TimeStampRelativeMSec < fromMs || e.TimeStampRelativeMSec > toMs)
            {
                return;
            }

            var frames = CallStacks.Innermost(e.CallStack(), Frames);
            var stacks = byThread.TryGetValue(e.ThreadID, out var found) ? found : byThread[e.ThreadID] = [];
            var key = frames.Count == 0 ? "(no managed frame)" : string.Join("\n        < ", frames);
            stacks[key] = stacks.GetValueOrDefault(key) + 1;
            var pair = string.Join(" < ", frames.Take(2));
            byInnermostPair[pair] = byInnermostPair.GetValueOrDefault(pair) + 1;
        };
        source.Process();

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"thread samples from {fromMs / 1000:F2} to {toMs / 1000:F2} s: {byInnermostPair.Values.Sum()}; by the two innermost frames:"));
        foreach (var (pair, count) in byInnermostPair.OrderByDescending(p => p.Value).Take(top))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {count,7}  {pair}"));
        }

        // Threads blocked on a contended lock, whatever the lock: the figure to compare between builds.
        var lockWaits = byInnermostPair.Where(p => p.Key.StartsWith("System.Threading.Monitor.Enter_Slowpath", StringComparison.Ordinal)).Sum(p => p.Value);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"blocked on a lock (Monitor.Enter_Slowpath): {lockWaits} samples"));

        foreach (var (thread, stacks) in byThread.OrderByDescending(t => t.Value.Values.Sum()))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"thread {thread}: {stacks.Values.Sum()} samples"));
            foreach (var (stack, count) in stacks.OrderByDescending(s => s.Value).Take(top))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {count,5}  {stack}"));
            }
        }
    }
}
