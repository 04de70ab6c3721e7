using Dapper;
using IoTFireAlert.Server.Storage;

namespace IoTFireAlert.Server.Alarms;

/// <summary>The read side of alarms for the API and the SSE replay; it never writes.</summary>
public sealed class AlarmQueries(SqliteDatabase database)
{
    public sealed record Filter(string? State, string? Severity, string? Site, string? DeviceId, long? From, long? To, bool? Active, int Limit);

    public async Task<IReadOnlyList<AlarmRecord>> ListAsync(Filter filter, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        // Most severe first, then newest: the order a dispatcher works in.
        var rows = await connection.QueryAsync<AlarmRecord>(new CommandDefinition(
            $"""
            SELECT {AlarmColumns.Select} FROM alarms
            WHERE (@State IS NULL OR state = @State COLLATE NOCASE) AND (@Severity IS NULL OR severity = @Severity COLLATE NOCASE)
              AND (@Site IS NULL OR site = @Site) AND (@DeviceId IS NULL OR device_id = @DeviceId)
              AND (@From IS NULL OR raised_at >= @From) AND (@To IS NULL OR raised_at < @To)
              AND (@Active IS NULL OR active = @Active)
            ORDER BY active DESC, CASE severity WHEN 'Critical' THEN 3 WHEN 'Major' THEN 2 WHEN 'Minor' THEN 1 ELSE 0 END DESC, raised_at DESC, id DESC
            LIMIT @Limit
            """,
            filter, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.AsList();
    }

    public async Task<AlarmRecord?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QuerySingleOrDefaultAsync<AlarmRecord>(new CommandDefinition(
            $"SELECT {AlarmColumns.Select} FROM alarms WHERE id = @id", new { id }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<AlarmTimelineEntry>> TimelineAsync(long alarmId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<AlarmTimelineEntry>(new CommandDefinition(
            "SELECT id AS Id, alarm_id AS AlarmId, at AS At, event AS Event, actor AS Actor, detail AS Detail FROM alarm_timeline WHERE alarm_id = @alarmId ORDER BY id",
            new { alarmId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.AsList();
    }

    /// <summary>Events after <paramref name="afterId"/>, for an SSE client resuming with Last-Event-ID.</summary>
    public async Task<IReadOnlyList<AlarmEvent>> EventsAfterAsync(long afterId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<AlarmEvent>(new CommandDefinition(
            "SELECT id AS Id, kind AS Kind, body AS Body FROM alarm_events WHERE id > @afterId ORDER BY id LIMIT @limit",
            new { afterId, limit }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.AsList();
    }

    public async Task<long> LastEventIdAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT coalesce(max(id), 0) FROM alarm_events", cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<Dictionary<string, long>> ActiveBySeverityAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(string Severity, long Count)>(new CommandDefinition(
            "SELECT severity, count(*) FROM alarms WHERE active = 1 GROUP BY severity", cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.ToDictionary(r => r.Severity, r => r.Count);
    }
}
