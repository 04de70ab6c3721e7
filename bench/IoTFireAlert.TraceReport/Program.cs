using System.Globalization;
using Microsoft.Diagnostics.Tracing.Etlx;

// usage: IoTFireAlert.TraceReport FILE.nettrace [--top N] [--samples FROM_S TO_S]
// Prints, from a trace taken with dotnet-trace's gc-verbose profile (bench/load/latency.sh --trace):
// the sampled allocations by type and by allocating stack, every GC pause with the time each marking
// phase ended, and the GC handles created (by kind) and destroyed during the pauses. With --samples,
// from a trace with thread-time sampling (TRACE_PROVIDERS="--profile dotnet-sampled-thread-time"): what
// each thread was doing between FROM_S and TO_S, e.g. around a late alarm (ThreadSamples).
if (args.Length == 0 || !File.Exists(args[0]))
{
    Console.Error.WriteLine("usage: IoTFireAlert.TraceReport FILE.nettrace [--top N] [--samples FROM_S TO_S]");
    return 2;
}

var top = Option("--top") is { } topText ? int.Parse(topText, CultureInfo.InvariantCulture) : 15;
using var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(args[0]));
// --samples FROM_S TO_S: what every thread was doing in that window (seconds from the trace's start).
if (Option("--samples") is { } from)
{
    var to = args.ElementAtOrDefault(Array.IndexOf(args, "--samples") + 2) ?? from;
    ThreadSamples.Print(log, 1000 * double.Parse(from, CultureInfo.InvariantCulture), 1000 * double.Parse(to, CultureInfo.InvariantCulture), top);
    return 0;
}

var source = log.Events.GetSource();
var byType = new Dictionary<string, long>();
var byStack = new Dictionary<string, long>();
var handlesCreated = new Dictionary<string, int>();
var pauses = new List<string>();
long allocated = 0;
double pauseStart = -1;
var destroyedInPause = 0;
var phases = new List<string>();
double pausedMs = 0, longestMs = 0, promotedInPauses = 0;

source.Clr.GCAllocationTick += e =>
{
    allocated += e.AllocationAmount64;
    byType[e.TypeName] = byType.GetValueOrDefault(e.TypeName) + e.AllocationAmount64;
    var key = e.TypeName + "\n      at " + string.Join("\n      at ", CallStacks.Innermost(e.CallStack(), 4));
    byStack[key] = byStack.GetValueOrDefault(key) + e.AllocationAmount64;
};
source.Clr.GCSetGCHandle += e => handlesCreated[e.Kind.ToString()] = handlesCreated.GetValueOrDefault(e.Kind.ToString()) + 1;
source.Clr.GCDestoryGCHandle += _ => destroyedInPause += pauseStart >= 0 ? 1 : 0;
source.Clr.GCSuspendEEStart += e => (pauseStart, destroyedInPause) = (e.TimeStampRelativeMSec, 0);
source.Clr.GCStart += e => phases.Add($"gen{e.Depth} {e.Reason}");
source.Clr.GCMarkWithType += e => phases.Add(string.Create(CultureInfo.InvariantCulture, $"mark {(MarkRoot)e.Type} +{e.TimeStampRelativeMSec - pauseStart:F1} ms ({e.Promoted / 1e6:F2} MB)"));
source.Clr.GCHeapStats += e =>
{
    // A background gen2 collection reports its heap after its pauses: only what a pause copied counts.
    promotedInPauses += pauseStart >= 0 ? e.TotalPromoted : 0;
    phases.Add(string.Create(CultureInfo.InvariantCulture, $"promoted {e.TotalPromoted / 1e6:F1} MB, gen2 {e.GenerationSize2 / 1e6:F1} MB"));
};
source.Clr.GCRestartEEStop += e =>
{
    if (pauseStart < 0)
    {
        return;
    }

    var pause = e.TimeStampRelativeMSec - pauseStart;
    (pausedMs, longestMs) = (pausedMs + pause, Math.Max(longestMs, pause));
    pauses.Add(string.Create(CultureInfo.InvariantCulture, $"{pauseStart / 1000,8:F2} s  pause {pause,7:F1} ms  {destroyedInPause} handles destroyed\n    {string.Join("; ", phases)}"));
    (pauseStart, destroyedInPause) = (-1, 0);
    phases.Clear();
};
source.Process();

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sampled allocation: {allocated / 1e6:F1} MB"));
foreach (var (type, bytes) in byType.OrderByDescending(t => t.Value).Take(top))
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6,8:F1} MB {100.0 * bytes / allocated,5:F1} %  {type}"));
}

Console.WriteLine("allocating stacks:");
foreach (var (stack, bytes) in byStack.OrderByDescending(t => t.Value).Take(top))
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6,8:F1} MB {100.0 * bytes / allocated,5:F1} %  {stack}"));
}

Console.WriteLine("GC handles created: " + string.Join(", ", handlesCreated.OrderByDescending(h => h.Value).Select(h => $"{h.Key} {h.Value}")));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"GC pauses: {pauses.Count}, {pausedMs:F1} ms in all, the longest {longestMs:F1} ms, {promotedInPauses / 1e6:F1} MB promoted in them"));
pauses.ForEach(Console.WriteLine);
return 0;

string? Option(string name) => Array.IndexOf(args, name) is var at and > 0 && at + 1 < args.Length ? args[at + 1] : null;

/// <summary>The GC's root kinds in its MarkWithType event (gcinterface.h's mark types).</summary>
internal enum MarkRoot
{
    Stack = 0,
    FinalizeQueue = 1,
    Handles = 2,
    Older = 3,
    SizedRef = 4,
    Overflow = 5,
    DependentHandles = 6,
    NewFinalizeQueue = 7,
    Steal = 8,
    BackgroundGC = 9,
}
