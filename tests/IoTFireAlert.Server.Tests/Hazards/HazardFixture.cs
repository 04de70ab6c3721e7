using Dapper;
using IoTFireAlert.Ingestion.Alarms;
using IoTFireAlert.Ingestion.Readings;
using IoTFireAlert.Server.Devices;
using IoTFireAlert.Server.Hazards;
using IoTFireAlert.Server.Storage;
using IoTFireAlert.Server.Tests.Alarms;
using Microsoft.Extensions.Logging.Abstractions;

namespace IoTFireAlert.Server.Tests.Hazards;

/// <summary>The real alarm writer with the hazard hook over a real SQLite file, all on one controllable clock.</summary>
internal sealed class HazardFixture : IAsyncDisposable
{
    public const string GridA = "GRID-A";
    public const string GridB = "GRID-B";
    public const string MemberA = "Li Na";
    public const string SecondMemberA = "Wang Fang";
    public const string SupervisorA = "Zhang Wei";
    public const string MemberB = "Chen Jie";
    public const string Office = "Keqiao fire-safety office";

    public HazardFixture(HazardOptions? options = null)
    {
        Clock = new FakeClock();
        Options = options ?? DefaultOptions();
        Risk = new SiteRiskRules(Options);
        Store = new WorkOrderStore(Options);
        Hook = new HazardAlarmHook(Options, Store, Risk);
        Alarms = new AlarmWriterFixture(hooks: [Hook], clock: Clock);
        Orders = new WorkOrderService(Database, Store, Risk, Options, Clock);
        Sites = new SiteRegister(Database, Risk, Options, Clock);
        Statistics = new HazardStatistics(Database, Options);
        Escalation = new OverdueEscalation(Database, Options, Risk, Clock, NullLogger<OverdueEscalation>.Instance);
        Metrics = new HazardMetrics(Database, Clock);
    }

    public FakeClock Clock { get; }
    public HazardOptions Options { get; }
    public SiteRiskRules Risk { get; }
    public WorkOrderStore Store { get; }
    public HazardAlarmHook Hook { get; }
    public AlarmWriterFixture Alarms { get; }
    public SqliteDatabase Database => Alarms.Database;
    public WorkOrderService Orders { get; }
    public SiteRegister Sites { get; }
    public HazardStatistics Statistics { get; }
    public OverdueEscalation Escalation { get; }
    public HazardMetrics Metrics { get; }

    public static HazardOptions DefaultOptions() => new()
    {
        FireSafetyOffice = Office,
        Grids =
        [
            new GridOptions { Id = GridA, Members = [MemberA, SecondMemberA], Supervisor = SupervisorA },
            new GridOptions { Id = GridB, Members = [MemberB], Supervisor = "Zhao Lei" },
        ],
        RepeatRules = [new RepeatRuleOptions { Types = ["ChargingPortOverTemperature", "ChargingPileLeakage"], Times = 3, WindowHours = 24 }],
    };

    /// <summary>Registers a device (the hook reads its grid from the devices table) and returns it for verdicts.</summary>
    public async Task<DeviceRecord> DeviceAsync(string id, string site = "SITE-1", string? grid = GridA, DeviceKind kind = DeviceKind.SmokeDetector)
    {
        var device = AlarmWriterFixture.Device(id, site, kind) with { Grid = grid };
        await new DeviceRepository(Database).UpsertAsync([device], CancellationToken.None);
        return device;
    }

    /// <summary>Commits a raising through the real alarm writer, stamped by the fake clock as a device in sync would stamp it.</summary>
    public Task RaiseAsync(DeviceRecord device, AlarmType type, Severity severity) =>
        Alarms.CommitAsync(device, new AlarmTransition(type, severity, AlarmCondition.Raised, 1, Clock.NowMs));

    public Task ClearAsync(DeviceRecord device, AlarmType type, Severity severity) =>
        Alarms.CommitAsync(device, new AlarmTransition(type, severity, AlarmCondition.Cleared, 0, Clock.NowMs));

    public IReadOnlyList<WorkOrder> OrdersOf(string deviceId) => Orders.List(new WorkOrderFilter(DeviceId: deviceId, Limit: 5000)).OrderBy(o => o.Id).ToList();

    public WorkOrder Step(long id, WorkOrderAction action, string actor, string? assignee = null, string? grid = null, string? note = null)
    {
        var result = Orders.Act(id, new WorkOrderStep(action, actor, assignee, grid, note));
        Assert.True(result.Error is null, $"{action} refused: {result.Error}");
        return result.Order!;
    }

    /// <summary>Inserts an alarm row as history (raised at the given time), bypassing the writer.</summary>
    public long InsertAlarm(string site, AlarmType type, Severity severity, long raisedAt, string deviceId = "HIST-1")
    {
        using var connection = Database.Open();
        return connection.ExecuteScalar<long>(
            "INSERT INTO alarms (device_id, type, severity, state, active, site, raised_at, last_at, count) VALUES (@deviceId, @type, @severity, 'Resolved', 0, @site, @raisedAt, @raisedAt, 1) RETURNING id",
            new { deviceId, type = type.ToString(), severity = severity.ToString(), site, raisedAt });
    }

    /// <summary>Inserts a work order row as history, bypassing the state machine.</summary>
    public long InsertOrder(string site, string? deviceId, string hazard, Severity severity, string state, long openedAt, long deadline, long? closedAt = null, string? grid = GridA, int count = 1)
    {
        using var connection = Database.Open();
        return connection.ExecuteScalar<long>(
            """
            INSERT INTO work_orders (device_id, hazard, severity, source, site, grid, state, open, opened_at, opened_by, last_seen, count, deadline, closed_at)
            VALUES (@deviceId, @hazard, @severity, 'device', @site, @grid, @state, @open, @openedAt, 'test', @openedAt, @count, @deadline, @closedAt)
            RETURNING id
            """,
            new { deviceId, hazard, severity = severity.ToString(), site, grid, state, open = state == WorkOrderStates.Closed ? 0 : 1, openedAt, count, deadline, closedAt });
    }

    public ValueTask DisposeAsync() => Alarms.DisposeAsync();
}
