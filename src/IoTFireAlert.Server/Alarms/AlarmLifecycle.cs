using System.Data;
using System.Text.Json;
using Dapper;
using IoTFireAlert.Ingestion.Alarms;
using IoTFireAlert.Server.Devices;

namespace IoTFireAlert.Server.Alarms;

/// <summary>
/// Applies verdicts and operator actions to the alarms table inside the writer's transaction.
/// Only the alarm writer calls it, from one task, so its in-memory correlation window needs no lock.
/// </summary>
public sealed class AlarmLifecycle(AlarmOptions options, IAlarmDispatchPlanner planner, IEnumerable<IAlarmTransactionHook> hooks)
{
    private static readonly JsonSerializerOptions Json = AlarmJson.Options;

    // Per site: the latest smoke and electrical alarms, to correlate them into a fire (DESIGN: correlation).
    private readonly Dictionary<string, (long SmokeAlarmId, long SmokeAt, string SmokeDevice, long ElectricalAlarmId, long ElectricalAt)> _sites = new(StringComparer.Ordinal);

    /// <summary>Restores the correlation window after a restart from alarms raised within it.</summary>
    public void Warm(IDbConnection connection, long nowMs)
    {
        var since = nowMs - options.CorrelationWindowSeconds * 1000L;
        foreach (var alarm in connection.Query<AlarmRecord>($"SELECT {AlarmColumns.Select} FROM alarms WHERE raised_at >= @since ORDER BY id", new { since }))
        {
            Remember(alarm);
        }
    }

    public void Apply(IDbConnection connection, IDbTransaction transaction, DeviceVerdicts work, long nowMs, List<AlarmEvent> events, List<long> outboxAdded)
    {
        foreach (var transition in work.Transitions)
        {
            var at = transition.TimestampUnixMs > 0 ? transition.TimestampUnixMs : nowMs;
            switch (transition.Condition)
            {
                case AlarmCondition.Raised:
                case AlarmCondition.Repeat:
                    Raise(connection, transaction, work.Device, transition.Type, transition.Severity, transition.Value, at, nowMs, work.Detail, work.Sequence, events, outboxAdded);
                    break;
                case AlarmCondition.Cleared:
                    Clear(connection, transaction, work.Device.Id, transition.Type, transition.Value, at, events);
                    break;
            }
        }
    }

    public OperatorActionResult Apply(IDbConnection connection, IDbTransaction transaction, OperatorAction action, long nowMs, List<AlarmEvent> events)
    {
        var alarm = Get(connection, transaction, action.AlarmId);
        if (alarm is null)
        {
            return new OperatorActionResult(null, $"alarm {action.AlarmId} does not exist", 404);
        }

        if (action.Kind == OperatorActionKind.Acknowledge)
        {
            if (alarm.State is AlarmState.Resolved or AlarmState.Cleared)
            {
                return new OperatorActionResult(alarm, $"alarm {alarm.Id} is already {alarm.State.ToString().ToLowerInvariant()}", 409);
            }

            if (alarm.State == AlarmState.Acknowledged)
            {
                return new OperatorActionResult(alarm, null, 200);
            }

            connection.Execute("UPDATE alarms SET state = 'Acknowledged', acked_at = @nowMs, acked_by = @actor WHERE id = @id",
                new { nowMs, actor = action.Actor, id = alarm.Id }, transaction);
            Timeline(connection, transaction, alarm.Id, nowMs, "acknowledged", action.Actor, action.Note);
        }
        else
        {
            if (action.Cause is null)
            {
                return new OperatorActionResult(alarm, "a cause is required: fire, false_alarm, test, nuisance or fault", 400);
            }

            if (alarm.State == AlarmState.Resolved)
            {
                return new OperatorActionResult(alarm, $"alarm {alarm.Id} is already resolved", 409);
            }

            if (alarm.State == AlarmState.Active)
            {
                // Resolving answers the call too: the timeline shows both steps, by the same person.
                connection.Execute("UPDATE alarms SET acked_at = @nowMs, acked_by = @actor WHERE id = @id", new { nowMs, actor = action.Actor, id = alarm.Id }, transaction);
                Timeline(connection, transaction, alarm.Id, nowMs, "acknowledged", action.Actor, "implied by resolution");
            }

            var cause = CauseName(action.Cause.Value);
            connection.Execute(
                "UPDATE alarms SET state = 'Resolved', active = 0, resolved_at = @nowMs, resolved_by = @actor, cause = @cause WHERE id = @id",
                new { nowMs, actor = action.Actor, cause, id = alarm.Id }, transaction);
            Timeline(connection, transaction, alarm.Id, nowMs, "resolved", action.Actor, action.Note is null ? cause : $"{cause}: {action.Note}");
        }

        var updated = Get(connection, transaction, alarm.Id)!;
        events.Add(Event(connection, transaction, updated, action.Kind == OperatorActionKind.Acknowledge ? "acknowledged" : "resolved", nowMs));
        return new OperatorActionResult(updated, null, 200);
    }

    public void Apply(IDbConnection connection, IDbTransaction transaction, DispatchFollowUp work, long nowMs, List<AlarmEvent> events, List<long> outboxAdded)
    {
        var alarm = Get(connection, transaction, work.AlarmId);
        if (alarm is null || !alarm.Active)
        {
            return;
        }

        Timeline(connection, transaction, alarm.Id, nowMs, work.What, work.Actor, work.Detail);
        AddOutbox(connection, transaction, alarm.Id, work.Messages, nowMs, outboxAdded);
        events.Add(Event(connection, transaction, alarm, work.What.Replace(' ', '_'), nowMs));
    }

    private static void AddOutbox(IDbConnection connection, IDbTransaction transaction, long alarmId, IReadOnlyList<OutboxMessage> messages, long nowMs, List<long> outboxAdded)
    {
        foreach (var message in messages)
        {
            var id = connection.ExecuteScalar<long?>(
                """
                INSERT INTO outbox (alarm_id, channel, target, body, idempotency_key, created_at, next_attempt_at)
                VALUES (@alarmId, @Channel, @Target, @Body, @IdempotencyKey, @nowMs, @nowMs)
                ON CONFLICT(idempotency_key) DO NOTHING
                RETURNING id
                """,
                new { alarmId, message.Channel, message.Target, message.Body, message.IdempotencyKey, nowMs }, transaction);
            if (id is { } added)
            {
                outboxAdded.Add(added);
            }
        }
    }

    public static string CauseName(ResolutionCause cause) => cause switch
    {
        ResolutionCause.Fire => "fire",
        ResolutionCause.FalseAlarm => "false_alarm",
        ResolutionCause.Test => "test",
        ResolutionCause.Nuisance => "nuisance",
        _ => "fault",
    };

    private void Raise(IDbConnection connection, IDbTransaction transaction, DeviceRecord device, AlarmType type, Severity severity, double value, long at, long nowMs, string? detail, long? sequence, List<AlarmEvent> events, List<long> outboxAdded)
    {
        var typeName = type.ToString();
        var active = connection.QuerySingleOrDefault<AlarmRecord>(
            $"SELECT {AlarmColumns.Select} FROM alarms WHERE device_id = @id AND type = @typeName AND active = 1", new { id = device.Id, typeName }, transaction);
        if (active is not null)
        {
            if (sequence is not null && active.LastSeq == sequence)
            {
                // The same message again (a QoS 1 redelivery after a crash): already counted.
                return;
            }

            // A repeat updates the one active alarm: the database's partial unique index forbids a second.
            connection.Execute("UPDATE alarms SET count = count + 1, last_at = max(last_at, @at), last_value = @value, cleared_at = NULL, last_seq = @sequence WHERE id = @aid",
                new { at, value, sequence, aid = active.Id }, transaction);
            events.Add(Event(connection, transaction, Get(connection, transaction, active.Id)!, "updated", nowMs));
            return;
        }

        var flapSince = nowMs - options.FlapWindowSeconds * 1000L;
        var recent = AlarmTypeFacts.ClosesOnClear(severity)
            ? connection.QuerySingleOrDefault<AlarmRecord>(
                $"SELECT {AlarmColumns.Select} FROM alarms WHERE device_id = @id AND type = @typeName AND active = 0 AND state = 'Cleared' AND cleared_at >= @flapSince ORDER BY id DESC LIMIT 1",
                new { id = device.Id, typeName, flapSince }, transaction)
            : null;
        if (recent is not null)
        {
            var flapping = recent.ReopenCount + 1 >= options.FlapThreshold;
            connection.Execute(
                "UPDATE alarms SET active = 1, state = 'Active', count = count + 1, last_at = @at, last_value = @value, cleared_at = NULL, reopen_count = reopen_count + 1, flapping = @flapping WHERE id = @aid",
                new { at, value, flapping = flapping ? 1 : 0, aid = recent.Id }, transaction);
            Timeline(connection, transaction, recent.Id, nowMs, "reopened", null, flapping ? "flapping: pushes suppressed" : $"raised again within {options.FlapWindowSeconds} s of clearing");
            events.Add(Event(connection, transaction, Get(connection, transaction, recent.Id)!, "reopened", nowMs));
            return;
        }

        var incidentId = device.Site is null ? (long?)null : JoinIncident(connection, transaction, device.Site, severity, at);
        var alarmId = connection.ExecuteScalar<long>(
            """
            INSERT INTO alarms (device_id, type, severity, state, active, site, incident_id, raised_at, last_at, count, first_value, last_value, last_seq)
            VALUES (@deviceId, @typeName, @severity, 'Active', 1, @site, @incidentId, @at, @at, 1, @value, @value, @sequence)
            RETURNING id
            """,
            new { deviceId = device.Id, typeName, severity = severity.ToString(), site = device.Site, incidentId, at, value, sequence }, transaction);
        Timeline(connection, transaction, alarmId, nowMs, "raised", null, detail ?? $"{typeName} value {value}");
        var alarm = Get(connection, transaction, alarmId)!;

        // The pushes carry the device's name and contacts, which the in-memory directory does not keep.
        device = DeviceRepository.Find(connection, transaction, device.Id) ?? device;
        if (planner.Plan(alarm, device) is { } decision)
        {
            connection.Execute("UPDATE alarms SET dispatch = @json WHERE id = @alarmId", new { json = decision.Json, alarmId }, transaction);
            foreach (var line in decision.TimelineLines)
            {
                Timeline(connection, transaction, alarmId, nowMs, "dispatched", "dispatcher", line);
            }

            AddOutbox(connection, transaction, alarmId, decision.Messages, nowMs, outboxAdded);

            alarm = Get(connection, transaction, alarmId)!;
        }

        events.Add(Event(connection, transaction, alarm, "raised", nowMs));
        Correlate(connection, transaction, alarm, device, nowMs, events, outboxAdded);
    }

    private void Correlate(IDbConnection connection, IDbTransaction transaction, AlarmRecord alarm, DeviceRecord device, long nowMs, List<AlarmEvent> events, List<long> outboxAdded)
    {
        if (alarm.Site is null || (!AlarmTypeFacts.IsSmoke(alarm.Type) && !AlarmTypeFacts.IsElectrical(alarm.Type)))
        {
            return;
        }

        Remember(alarm);
        var site = _sites[alarm.Site];
        var window = options.CorrelationWindowSeconds * 1000L;
        if (site.SmokeAlarmId == 0 || site.ElectricalAlarmId == 0 || Math.Abs(site.SmokeAt - site.ElectricalAt) > window)
        {
            return;
        }

        // Raise the fire on the smoke detector: it is the device that places the fire in the building.
        var smokeDevice = site.SmokeDevice == device.Id ? device : device with { Id = site.SmokeDevice };
        var detail = $"smoke alarm #{site.SmokeAlarmId} and electrical alarm #{site.ElectricalAlarmId} at site {alarm.Site} within {options.CorrelationWindowSeconds} s";
        Raise(connection, transaction, smokeDevice, AlarmType.Fire, Severity.Critical, alarm.LastValue ?? 1, Math.Max(site.SmokeAt, site.ElectricalAt), nowMs, detail, null, events, outboxAdded);
    }

    private void Remember(AlarmRecord alarm)
    {
        if (alarm.Site is null)
        {
            return;
        }

        _sites.TryGetValue(alarm.Site, out var site);
        if (AlarmTypeFacts.IsSmoke(alarm.Type))
        {
            site = site with { SmokeAlarmId = alarm.Id, SmokeAt = alarm.RaisedAt, SmokeDevice = alarm.DeviceId };
        }
        else if (AlarmTypeFacts.IsElectrical(alarm.Type))
        {
            site = site with { ElectricalAlarmId = alarm.Id, ElectricalAt = alarm.RaisedAt };
        }
        else
        {
            return;
        }

        _sites[alarm.Site] = site;
    }

    private void Clear(IDbConnection connection, IDbTransaction transaction, string deviceId, AlarmType type, double value, long at, List<AlarmEvent> events)
    {
        var typeName = type.ToString();
        var active = connection.QuerySingleOrDefault<AlarmRecord>(
            $"SELECT {AlarmColumns.Select} FROM alarms WHERE device_id = @deviceId AND type = @typeName AND active = 1", new { deviceId, typeName }, transaction);
        if (active is null || active.ClearedAt is not null)
        {
            return;
        }

        if (AlarmTypeFacts.ClosesOnClear(active.Severity))
        {
            connection.Execute("UPDATE alarms SET state = 'Cleared', active = 0, cleared_at = @at, last_value = @value WHERE id = @id", new { at, value, id = active.Id }, transaction);
        }
        else
        {
            connection.Execute("UPDATE alarms SET cleared_at = @at, last_value = @value WHERE id = @id", new { at, value, id = active.Id }, transaction);
        }

        Timeline(connection, transaction, active.Id, at, "cleared", null, AlarmTypeFacts.ClosesOnClear(active.Severity) ? "condition ended" : "condition ended; a person must still resolve it");
        events.Add(Event(connection, transaction, Get(connection, transaction, active.Id)!, "cleared", at));
    }

    private long JoinIncident(IDbConnection connection, IDbTransaction transaction, string site, Severity severity, long at)
    {
        var since = at - options.IncidentWindowSeconds * 1000L;
        var incident = connection.QuerySingleOrDefault<long?>(
            "SELECT id FROM incidents WHERE site = @site AND last_at >= @since ORDER BY last_at DESC LIMIT 1", new { site, since }, transaction);
        if (incident is { } id)
        {
            connection.Execute(
                "UPDATE incidents SET last_at = max(last_at, @at), alarm_count = alarm_count + 1, severity = CASE WHEN @rank > (CASE severity WHEN 'Critical' THEN 3 WHEN 'Major' THEN 2 WHEN 'Minor' THEN 1 ELSE 0 END) THEN @severity ELSE severity END WHERE id = @id",
                new { at, rank = (int)severity, severity = severity.ToString(), id }, transaction);
            return id;
        }

        return connection.ExecuteScalar<long>(
            "INSERT INTO incidents (site, opened_at, last_at, severity, alarm_count) VALUES (@site, @at, @at, @severity, 1) RETURNING id",
            new { site, at, severity = severity.ToString() }, transaction);
    }

    internal static AlarmRecord? Get(IDbConnection connection, IDbTransaction? transaction, long id) =>
        connection.QuerySingleOrDefault<AlarmRecord>($"SELECT {AlarmColumns.Select} FROM alarms WHERE id = @id", new { id }, transaction);

    internal static void Timeline(IDbConnection connection, IDbTransaction transaction, long alarmId, long at, string what, string? actor, string? detail) =>
        connection.Execute("INSERT INTO alarm_timeline (alarm_id, at, event, actor, detail) VALUES (@alarmId, @at, @what, @actor, @detail)",
            new { alarmId, at, what, actor, detail }, transaction);

    private readonly IAlarmTransactionHook[] _hooks = hooks.ToArray();

    private AlarmEvent Event(IDbConnection connection, IDbTransaction transaction, AlarmRecord alarm, string kind, long nowMs)
    {
        foreach (var hook in _hooks)
        {
            hook.OnAlarmChanged(connection, transaction, alarm, kind, nowMs);
        }

        var body = JsonSerializer.Serialize(alarm, Json);
        var id = connection.ExecuteScalar<long>(
            "INSERT INTO alarm_events (alarm_id, at, kind, body) VALUES (@alarmId, @nowMs, @kind, @body) RETURNING id",
            new { alarmId = alarm.Id, nowMs, kind, body }, transaction);
        return new AlarmEvent(id, kind, body);
    }
}
