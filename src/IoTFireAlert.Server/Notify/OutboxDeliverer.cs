using System.Collections.Concurrent;
using Dapper;
using IoTFireAlert.Server.Alarms;
using IoTFireAlert.Server.DeadLetters;
using IoTFireAlert.Server.Metrics;
using IoTFireAlert.Server.Storage;

namespace IoTFireAlert.Server.Notify;

/// <summary>
/// Delivers the transactional outbox: every push committed with its alarm is tried until it is
/// delivered or given up, across restarts (pending rows are simply still pending). Failures are
/// retried with exponential back-off and jitter; each attempt has its own timeout, and attempts run
/// side by side, so one hanging station system never holds the others back.
/// </summary>
public sealed class OutboxDeliverer : BackgroundService, IMetricsSource
{
    private readonly SqliteDatabase _database;
    private readonly OutboxSignal _signal;
    private readonly Dictionary<string, IPushChannel> _channels;
    private readonly OutboxOptions _options;
    private readonly DeadLetterStore _deadLetters;
    private readonly TimeProvider _clock;
    private readonly ILogger<OutboxDeliverer> _logger;
    private long _delivered;
    private long _failedAttempts;
    private long _givenUp;

    public OutboxDeliverer(SqliteDatabase database, OutboxSignal signal, IEnumerable<IPushChannel> channels, OutboxOptions options, DeadLetterStore deadLetters, TimeProvider clock, ILogger<OutboxDeliverer> logger)
    {
        _database = database;
        _signal = signal;
        _channels = channels.ToDictionary(c => c.Name, StringComparer.Ordinal);
        _options = options;
        _deadLetters = deadLetters;
        _clock = clock;
        _logger = logger;
    }

    public void WriteMetrics(PrometheusWriter writer)
    {
        writer.Counter("iotfire_push_delivered_total", "Pushes delivered (MQTT to stations, webhooks).", Interlocked.Read(ref _delivered))
            .Counter("iotfire_push_failed_attempts_total", "Push attempts that failed and will be retried.", Interlocked.Read(ref _failedAttempts))
            .Counter("iotfire_push_given_up_total", "Pushes given up after the configured attempts (dead-lettered).", Interlocked.Read(ref _givenUp));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // One connection for the deliverer's life, its statements prepared once; attempts run side by
        // side but only this loop touches the database: it records what finished, then reads what is due.
        await using var sqlite = await _database.OpenAsync(stoppingToken);
        await using var connection = new PreparedStatementConnection(sqlite);
        using var slots = new SemaphoreSlim(_options.Concurrency);
        // Pushes being attempted or whose outcome is not recorded yet: not due again meanwhile.
        var inFlight = new HashSet<long>();
        var finished = new ConcurrentQueue<Attempt>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                List<OutboxEntry> due;
                try
                {
                    Record(connection, finished, inFlight);
                    due = Due(connection, inFlight);
                }
                catch (Microsoft.Data.Sqlite.SqliteException e)
                {
                    _logger.LogError(e, "reading or updating the outbox failed; retrying");
                    await Task.Delay(1000, stoppingToken);
                    continue;
                }

                foreach (var entry in due)
                {
                    await slots.WaitAsync(stoppingToken);
                    inFlight.Add(entry.Id);
                    _ = Task.Run(async () =>
                    {
                        try
                        {
                            var error = await AttemptAsync(entry, stoppingToken);
                            finished.Enqueue(new Attempt(entry, error, _clock.GetUtcNow().ToUnixTimeMilliseconds()));
                        }
                        finally
                        {
                            slots.Release();
                            _signal.Notify();
                        }
                    }, stoppingToken);
                }

                await _signal.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
        finally
        {
            // Attempts that finished before the stop are recorded; the others are tried again at the next start.
            try
            {
                Record(connection, finished, inFlight);
            }
            catch (Microsoft.Data.Sqlite.SqliteException e)
            {
                _logger.LogError(e, "recording the last push outcomes failed; they will be pushed again at the next start");
            }
        }
    }

    private List<OutboxEntry> Due(PreparedStatementConnection connection, HashSet<long> inFlight)
    {
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        var rows = connection.Query<OutboxEntry>(
            "SELECT id AS Id, alarm_id AS AlarmId, channel AS Channel, target AS Target, body AS Body, idempotency_key AS IdempotencyKey, attempts AS Attempts " +
            "FROM outbox WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= @now ORDER BY next_attempt_at, id LIMIT 256",
            new { now });
        return rows.Where(r => !inFlight.Contains(r.Id)).ToList();
    }

    /// <summary>One push attempt: null when delivered, else why not.</summary>
    private async Task<string?> AttemptAsync(OutboxEntry entry, CancellationToken stoppingToken)
    {
        if (!_channels.TryGetValue(entry.Channel, out var channel))
        {
            return $"no push channel '{entry.Channel}' is configured";
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(_options.AttemptTimeoutSeconds));
        try
        {
            return await channel.DeliverAsync(entry, timeout.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return $"timed out after {_options.AttemptTimeoutSeconds} s";
        }
        catch (Exception e) when (e is HttpRequestException or IOException or InvalidOperationException)
        {
            return e.Message;
        }
    }

    /// <summary>
    /// Writes the outcomes of finished attempts in one transaction, then counts them and lets their
    /// pushes be due again. If it fails they stay queued and are written at the next turn.
    /// </summary>
    private void Record(PreparedStatementConnection connection, ConcurrentQueue<Attempt> finished, HashSet<long> inFlight)
    {
        if (finished.IsEmpty)
        {
            return;
        }

        var recorded = 0;
        using (var transaction = connection.Inner.BeginTransaction())
        {
            // A snapshot: attempts finishing meanwhile queue up behind these and wait for the next turn.
            foreach (var attempt in finished)
            {
                Record(connection, transaction, attempt);
                recorded++;
            }

            transaction.Commit();
        }

        for (var i = 0; i < recorded && finished.TryDequeue(out var attempt); i++)
        {
            inFlight.Remove(attempt.Entry.Id);
            Count(attempt);
        }
    }

    private void Record(PreparedStatementConnection connection, System.Data.IDbTransaction transaction, Attempt attempt)
    {
        var (entry, error, now) = attempt;
        var attempts = attempt.Number;
        switch (OutcomeOf(attempt))
        {
            case PushOutcome.Delivered:
                connection.Execute("UPDATE outbox SET delivered_at = @now, attempts = @attempts, last_error = NULL WHERE id = @Id", new { now, attempts, entry.Id }, transaction);
                connection.Execute("INSERT INTO alarm_timeline (alarm_id, at, event, actor, detail) VALUES (@AlarmId, @now, 'pushed', @Channel, @Target)",
                    new { entry.AlarmId, now, entry.Channel, entry.Target }, transaction);
                break;
            case PushOutcome.GivenUp:
                connection.Execute("UPDATE outbox SET failed_at = @now, attempts = @attempts, last_error = @error WHERE id = @Id", new { now, attempts, error, entry.Id }, transaction);
                connection.Execute("INSERT INTO alarm_timeline (alarm_id, at, event, actor, detail) VALUES (@AlarmId, @now, 'push failed', @Channel, @detail)",
                    new { entry.AlarmId, now, entry.Channel, detail = $"{entry.Target}: given up after {attempts} attempts: {error}" }, transaction);
                break;
            default:
                // Exponential back-off with full jitter: retries from many failing targets do not line up.
                var ceiling = Math.Min(_options.MaxRetrySeconds, _options.FirstRetrySeconds * Math.Pow(2, attempts - 1));
                var delayMs = (long)(1000 * (ceiling / 2 + Random.Shared.NextDouble() * ceiling / 2));
                connection.Execute("UPDATE outbox SET attempts = @attempts, last_error = @error, next_attempt_at = @next WHERE id = @Id",
                    new { attempts, error, next = now + delayMs, entry.Id }, transaction);
                break;
        }
    }

    /// <summary>Counts a recorded outcome; a push given up becomes a dead letter.</summary>
    private void Count(Attempt attempt)
    {
        switch (OutcomeOf(attempt))
        {
            case PushOutcome.Delivered:
                Interlocked.Increment(ref _delivered);
                break;
            case PushOutcome.GivenUp:
                var (entry, error, _) = attempt;
                Interlocked.Increment(ref _givenUp);
                _deadLetters.Add(entry.Target, "push", null, null, $"push to {entry.Target} given up after {attempt.Number} attempts: {error}", System.Text.Encoding.UTF8.GetBytes(entry.Body));
                _logger.LogError("push {Id} to {Target} given up after {Attempts} attempts: {Error}", entry.Id, entry.Target, attempt.Number, error);
                break;
            default:
                Interlocked.Increment(ref _failedAttempts);
                break;
        }
    }

    private PushOutcome OutcomeOf(Attempt attempt) =>
        attempt.Error is null ? PushOutcome.Delivered
        : attempt.Number >= _options.MaxAttempts ? PushOutcome.GivenUp
        : PushOutcome.Retry;

    /// <summary>A finished push attempt: its entry, null when delivered or else why not, and when it ended.</summary>
    private sealed record Attempt(OutboxEntry Entry, string? Error, long EndedAtMs)
    {
        /// <summary>Which attempt at the push this was, from 1.</summary>
        public long Number => Entry.Attempts + 1;
    }

    private enum PushOutcome
    {
        Delivered,
        Retry,
        GivenUp,
    }
}
