using System.Runtime.InteropServices;

namespace IoTFireAlert.Telemetry.Sqlite;

/// <summary>
/// Work that blocks (SQLite transactions, fsync) on a thread of its own rather than a thread-pool worker
/// (two on a two-core machine, shared with the alarm path), optionally at a lower scheduling priority.
/// .NET's <see cref="Thread.Priority"/> has no effect on Linux; <c>setpriority(PRIO_PROCESS, tid, nice)</c>
/// does, per thread, and needs no privilege to lower. Elsewhere the priority stays as it is.
/// </summary>
internal static partial class BackgroundThread
{
    private const int PrioProcess = 0;

    /// <summary>Runs <paramref name="body"/> on a new background thread at Linux nice value <paramref name="nice"/> (0-19); the task ends with it.</summary>
    public static Task Start(string name, int nice, Action body)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() =>
        {
            try
            {
                LowerCurrentThread(nice);
                body();
                done.TrySetResult();
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }
        }) { IsBackground = true, Name = name }.Start();
        return done.Task;
    }

    /// <summary>The calling thread's nice value as the kernel reports it; 0 off Linux.</summary>
    public static int CurrentThreadNice()
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        // /proc/thread-self/stat: field 19 is nice; the command name (field 2) is in parentheses and may hold spaces.
        var stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[16], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void LowerCurrentThread(int nice)
    {
        if (!OperatingSystem.IsLinux() || nice <= 0)
        {
            return;
        }

        try
        {
            SetPriority(PrioProcess, GetThreadId(), nice); // on failure the thread keeps its priority
        }
        catch (EntryPointNotFoundException)
        {
            // A C library without gettid: the thread keeps its priority.
        }
    }

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int prio);

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetThreadId();
}
