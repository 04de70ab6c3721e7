using Microsoft.Diagnostics.Tracing.Etlx;

/// <summary>The innermost frames of an event's stack, by method name (module!? where the trace has no name).</summary>
internal static class CallStacks
{
    public static List<string> Innermost(TraceCallStack? stack, int count)
    {
        var frames = new List<string>(count);
        for (var frame = stack; frame is not null && frames.Count < count; frame = frame.Caller)
        {
            frames.Add(frame.CodeAddress.FullMethodName is { Length: > 0 } name ? name : frame.CodeAddress.ModuleName + "!?");
        }

        return frames;
    }
}
