using IoTFireAlert.Ingestion.Alarms;
using IoTFireAlert.Ingestion.Readings;
using IoTFireAlert.Server.Alarms;
using IoTFireAlert.Server.DeadLetters;
using IoTFireAlert.Server.Devices;
using IoTFireAlert.Server.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using NSubstitute;

namespace IoTFireAlert.Server.Tests.Alarms;

/// <summary>A real alarm writer over a real SQLite file in a temporary folder; the dispatch planner is a substitute.</summary>
internal sealed class AlarmWriterFixture : IAsyncDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "iotfire-alarms-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly CancellationTokenSource _stop = new();

    public AlarmWriterFixture(AlarmOptions? options = null, IEnumerable<IAlarmTransactionHook>? hooks = null, TimeProvider? clock = null)
    {
        Directory.CreateDirectory(_directory);
        Database = new SqliteDatabase(Path.Combine(_directory, "alarms.db"));
        Database.ApplySchema();
        Options = options ?? new AlarmOptions();
        Planner = Substitute.For<IAlarmDispatchPlanner>();
        Hub = new AlarmEventHub();
        Events = Hub.Subscribe(100_000);
        DeadLetters = new DeadLetterStore(Database, new DeadLetterOptions(), TimeProvider.System);
        Writer = new AlarmWriter(Database, new AlarmLifecycle(Options, Planner, hooks ?? []), Hub, new OutboxSignal(), DeadLetters, Options, clock ?? TimeProvider.System, NullLogger<AlarmWriter>.Instance);
        Queries = new AlarmQueries(Database);
        Writer.StartAsync(_stop.Token).GetAwaiter().GetResult();
    }

    public SqliteDatabase Database { get; }
    public AlarmOptions Options { get; }
    public IAlarmDispatchPlanner Planner { get; }
    public AlarmEventHub Hub { get; }
    public System.Threading.Channels.ChannelReader<AlarmEvent> Events { get; }
    public DeadLetterStore DeadLetters { get; }
    public AlarmWriter Writer { get; }
    public AlarmQueries Queries { get; }

    public static DeviceRecord Device(string id, string site = "SITE-1", DeviceKind kind = DeviceKind.SmokeDetector) =>
        new() { Id = id, Kind = kind, Vendor = "acme", Site = site };

    public static AlarmTransition Raise(AlarmType type, Severity severity, double value = 1) =>
        new(type, severity, AlarmCondition.Raised, value, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    public static AlarmTransition Clear(AlarmType type, Severity severity) =>
        new(type, severity, AlarmCondition.Cleared, 0, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    /// <summary>Enqueues verdicts and waits until they are committed.</summary>
    public async Task CommitAsync(DeviceRecord device, params AlarmTransition[] transitions)
    {
        var committed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await Writer.EnqueueAsync(new DeviceVerdicts(device, transitions, committed.SetResult), CancellationToken.None);
        await committed.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public Task<IReadOnlyList<AlarmRecord>> AllAsync(string? deviceId = null) =>
        Queries.ListAsync(new AlarmQueries.Filter(null, null, null, deviceId, null, null, null, 10_000), CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Writer.StopAsync(CancellationToken.None);
        }
        catch (OperationCanceledException)
        {
        }

        Writer.Dispose();
        DeadLetters.Dispose();
        _stop.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
