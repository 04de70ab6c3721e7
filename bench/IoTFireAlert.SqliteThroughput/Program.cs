using System.Diagnostics;
using System.Globalization;
using IoTFireAlert.Ingestion.Readings;
using IoTFireAlert.Telemetry.Points;
using IoTFireAlert.Telemetry.Sqlite;

// usage: IoTFireAlert.SqliteThroughput [messages] [devices] [sequential|scattered] [messages/s] [prefill]
// Writes smoke-detector reports (three readings, a sequence number and a heartbeat: five values each)
// for `devices` devices into a fresh store, round-robin (sequential) or in the order a broker delivers a
// fleet (scattered: consecutive reports from devices far apart), as fast as it can or paced at messages/s
// (the writer then commits what arrives while it is idle, as in a server that keeps up), waits until all
// are committed, and prints one JSON line: messages/s and CPU microseconds per message and per value,
// the stage moves made meanwhile and the writer's seconds in them, then the time to read one device's
// whole history (and how many reports were still staged).
// With prefill, that many reports are written first as fast as the store takes them and not measured:
// the figure is then the cost on a database in service, whose indexes no longer fit a few pages.
var messages = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
var deviceCount = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 50_000;
var scattered = args.Length > 2 && args[2] == "scattered";
// A prime stride that does not divide the device count visits every device once per round, far apart.
const long Stride = 7_919;
const long FirstTimeMs = 1_764_460_000_000;
var folder = Directory.CreateTempSubdirectory("iotfire-sqlite-bench-");
try
{
    await using var store = new SqliteTelemetryStore(new SqliteTelemetryOptions { Path = Path.Combine(folder.FullName, "telemetry.db") });
    var devices = Enumerable.Range(0, deviceCount)
        .Select(i => new DeviceTags($"SD-{i:D6}", DeviceKind.SmokeDetector, "acme", $"S-{i / 10:D5}", "GRID-01"))
        .ToArray();
    var batch = new DecodedBatch();
    var tags = new DeviceTags?[1];
    var pace = args.Length > 3 ? double.Parse(args[3], CultureInfo.InvariantCulture) : 0;
    var prefill = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 0;
    for (var n = 0; n < prefill; n++)
    {
        await WriteReportAsync(n);
    }

    await store.FlushAsync();
    var process = Process.GetCurrentProcess();
    var cpuBefore = process.TotalProcessorTime;
    var pointsBefore = store.PointsWritten;
    var (movesBefore, moveTimeBefore) = (store.StageMoves, store.StageMoveTime);
    var clock = Stopwatch.StartNew();
    for (var i = 0; i < messages; i++)
    {
        while (pace > 0 && i % 100 == 0 && clock.Elapsed.TotalSeconds < i / pace)
        {
            Thread.Sleep(1);
        }

        await WriteReportAsync(prefill + i);
    }

    await store.FlushAsync();
    var seconds = clock.Elapsed.TotalSeconds;
    process.Refresh();
    var cpuMicroseconds = (process.TotalProcessorTime - cpuBefore).TotalMicroseconds;
    var values = store.PointsWritten - pointsBefore;

    // A dashboard's read: one device's whole history, of 20 devices, with what is still staged then.
    var staged = store.StagedRows;
    var span = (From: DateTimeOffset.FromUnixTimeMilliseconds(FirstTimeMs), To: DateTimeOffset.FromUnixTimeMilliseconds(FirstTimeMs + prefill + messages));
    var reads = Stopwatch.StartNew();
    for (var d = 0; d < 20; d++)
    {
        await store.ReadAsync(devices[d * (devices.Length / 20)].DeviceId, span.From, span.To);
    }

    var readMs = reads.Elapsed.TotalMilliseconds / 20;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $$"""{"messages":{{messages}},"prefill":{{prefill}},"devices":{{deviceCount}},"order":"{{(scattered ? "scattered" : "sequential")}}","values":{{values}},"messages_per_s":{{messages / seconds:F0}},"cpu_us_per_message":{{cpuMicroseconds / messages:F1}},"cpu_us_per_value":{{cpuMicroseconds / values:F2}},"staged_rows":{{staged}},"stage_moves":{{store.StageMoves - movesBefore}},"stage_move_s":{{(store.StageMoveTime - moveTimeBefore).TotalSeconds:F2}},"read_ms_per_device":{{readMs:F1}}}"""));

    // The n-th report (prefill first) of the device the order gives; times one millisecond apart.
    async ValueTask WriteReportAsync(long n)
    {
        var device = devices[scattered ? n * Stride % devices.Length : n % devices.Length];
        batch.Clear();
        ref var report = ref batch.BeginReport(device.DeviceId);
        report.Flags = ReportFlags.Heartbeat | ReportFlags.HasSequence;
        report.Sequence = (uint)n;
        batch.Add(new Reading(Signal.SmokeAlarm, 0));
        batch.Add(new Reading(Signal.BatteryPercent, 90));
        batch.Add(new Reading(Signal.CableTemperatureCelsius, 21.5));
        tags[0] = device;
        await store.WriteReadingsAsync(batch, tags, FirstTimeMs + n);
    }
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    folder.Delete(recursive: true);
}
