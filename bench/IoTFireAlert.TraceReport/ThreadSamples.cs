using System.Globalization;
using Microsoft.Diagnostics.Tracing.Etlx;

/// <summary>
/// What each thread was doing in a window of a trace taken with thread-time sampling
/// (<c>TRACE_PROVIDERS="--profile dotnet-sampled-thread-time"</c>): the sample profiler records every
/// managed thread about once a millisecond, running or blocked, so a thread that waited shows the
/// stack it waited in. Prints, per thread, its samples in the window by their innermost frames.
/// </summary>
internal static class ThreadSamples
{
    private const int Frames = 6;

    public static void Print(TraceLog log, double fromMs, double toMs, int top)
    {
        var byThread = new Dictionary<int, Dictionary<string, int>>();
        var source = log.Events.GetSource();
        source.AllEvents += e =>
        {
            if (e.ProviderName != "Microsoft-DotNETCore-SampleProfiler" || e.TimeStampRelativeMSec < fromMs || e.TimeStampRelativeMSec > toMs)
            {
                return;
            }

            var frames = new List<string>();
            for (var frame = e.CallStack(); frame is not null && frames.Count < Frames; frame = frame.Caller)
            {
                if (frame.CodeAddress.FullMethodName is { Length: > 0 } name)
                {
                    frames.Add(name);
                }
            }

            var stacks = byThread.TryGetValue(e.ThreadID, out var found) ? found : byThread[e.ThreadID] = [];
            var key = frames.Count == 0 ? "(no managed frame)" : string.Join("\n        < ", frames);
            stacks[key] = stacks.GetValueOrDefault(key) + 1;
        };
        source.Process();

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"thread samples from {fromMs / 1000:F2} to {toMs / 1000:F2} s:"));
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
