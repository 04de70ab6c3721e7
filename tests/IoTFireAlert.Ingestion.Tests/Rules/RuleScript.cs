using IoTFireAlert.Ingestion.Alarms;
using IoTFireAlert.Ingestion.Readings;
using IoTFireAlert.Ingestion.Rules;

namespace IoTFireAlert.Ingestion.Tests.Rules;

/// <summary>Drives one device through a scripted sequence of readings.</summary>
internal sealed class RuleScript
{
    public static readonly string ConfigText = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "rules.json"));

    private readonly RuleEngine _engine = new();
    private readonly List<AlarmTransition> _output = [];

    public RuleScript(DeviceKind kind, string? site = null, string deviceId = "dev-1", string? config = null)
    {
        Rules = RuleBook.Load(config ?? ConfigText).Resolve(kind, site, deviceId);
    }

    public RuleSet Rules { get; }

    public DeviceRuleState State { get; } = new();

    public AlarmTransition[] Send(long atMs, params Reading[] readings) => Send(atMs, ReportFlags.None, readings);

    public AlarmTransition[] Send(long atMs, ReportFlags flags, params Reading[] readings)
    {
        _output.Clear();
        var report = new DeviceReport { Flags = flags };
        _engine.Evaluate(Rules, State, report, readings, atMs, _output);
        return [.. _output];
    }

    public AlarmTransition[] Tick(long nowMs)
    {
        _output.Clear();
        _engine.CheckHeartbeat(Rules, State, nowMs, _output);
        return [.. _output];
    }
}
