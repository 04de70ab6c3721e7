using System.Globalization;

namespace IoTFireAlert.Simulator.Load;

/// <summary>The counters a run reports, shared by the sending loop, the acknowledgement readers and the progress display.</summary>
public sealed class RunFigures
{
    private long _sent;
    private long _acknowledged;
    private long _errors;
    private int _connections;

    public long Sent => Interlocked.Read(ref _sent);

    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    public long Errors => Interlocked.Read(ref _errors);

    public int Connections => Volatile.Read(ref _connections);

    public double Seconds { get; set; }

    public int ScenarioAlarmsExpected { get; set; }

    public double Rate => Seconds > 0 ? Sent / Seconds : 0;

    public void AddSent() => Interlocked.Increment(ref _sent);

    public void AddAcknowledged() => Interlocked.Increment(ref _acknowledged);

    public void AddError() => Interlocked.Increment(ref _errors);

    public void SetConnections(int connections) => Volatile.Write(ref _connections, connections);

    /// <summary>The run's last line: what bench/load.sh parses.</summary>
    public string ToJsonLine() => string.Create(
        CultureInfo.InvariantCulture,
        $"{{\"sent\":{Sent},\"acknowledged\":{Acknowledged},\"errors\":{Errors},\"seconds\":{Math.Round(Seconds, 3)},\"rate\":{Math.Round(Rate, 1)},\"connections\":{Connections},\"scenario_alarms_expected\":{ScenarioAlarmsExpected}}}");
}
