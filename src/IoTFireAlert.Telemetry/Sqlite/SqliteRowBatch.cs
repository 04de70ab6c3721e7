using IoTFireAlert.Telemetry.Points;

namespace IoTFireAlert.Telemetry.Sqlite;

/// <summary>Rows copied out of one sink call, queued for the store's writer task; pooled and reused.</summary>
internal sealed class SqliteRowBatch
{
    public readonly List<ReadingRow> Readings = [];
    public readonly List<FleetPosition> Positions = [];
    public readonly List<AlarmEvent> Alarms = [];
    public TaskCompletionSource? Flushed;

    public bool IsEmpty => Readings.Count == 0 && Positions.Count == 0 && Alarms.Count == 0 && Flushed is null;

    public void Clear()
    {
        Readings.Clear();
        Positions.Clear();
        Alarms.Clear();
        Flushed = null;
    }

    internal readonly record struct ReadingRow(long TimeMs, DeviceTags Device, string Field, double Value);
}
