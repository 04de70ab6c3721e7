namespace IoTFireAlert.Server.Alarms;

/// <summary>The one SELECT list that maps an alarms row to <see cref="AlarmRecord"/>.</summary>
internal static class AlarmColumns
{
    public const string Select =
        "id AS Id, device_id AS DeviceId, type AS Type, severity AS Severity, state AS State, active AS Active, site AS Site, " +
        "incident_id AS IncidentId, raised_at AS RaisedAt, last_at AS LastAt, count AS Count, first_value AS FirstValue, " +
        "last_value AS LastValue, flapping AS Flapping, reopen_count AS ReopenCount, cleared_at AS ClearedAt, acked_at AS AckedAt, " +
        "acked_by AS AckedBy, resolved_at AS ResolvedAt, resolved_by AS ResolvedBy, cause AS Cause, dispatch AS Dispatch, last_seq AS LastSeq";
}
