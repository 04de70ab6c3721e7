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
        using var slots = new SemaphoreSlim(_options.Concurrency);
        var inFlight = new HashSet<long>();
        while (!stoppingToken.IsCancellationRequested)
        {
            IReadOnlyList<OutboxEntry> due;
            try
            {
                due = await DueAsync(inFlight, stoppingToken);
            }
            catch (Microsoft.Data.Sqlite.SqliteException e)
            {
                _logger.LogError(e, "reading the outbox failed; retrying");
                await Task.Delay(1000, stoppingToken);
                continue;
            }

            foreach (var entry in due)
            {
                await slots.WaitAsync(stoppingToken);
                lock (inFlight)
                {
                    inFlight.Add(entry.Id);
                }

                _ = Task.Run(async () =>
                {
                    try
                    {
                        await DeliverAsync(entry, stoppingToken);
                    }
                    finally
                    {
                        lock (inFlight)
                        {
                            inFlight.Remove(entry.Id);
                        }

                        slots.Release();
                        _signal.Notify();
                    }
                }, stoppingToken);
            }

            await _signal.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken);
        }
    }

    private async Task<IReadOnlyList<OutboxEntry>> DueAsync(HashSet<long> inFlight, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        var rows = await connection.QueryAsync<OutboxEntry>(new CommandDefinition(
            "SELECT id AS Id, alarm_id AS AlarmId, channel AS Channel, target AS Target, body AS Body, idempotency_key AS IdempotencyKey, attempts AS Attempts " +
            "FROM outbox WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= @now ORDER BY next_attempt_at, id LIMIT 256",
            new { now }, cancellationToken: cancellationToken));
        lock (inFlight)
        {
            return rows.Where(r => !inFlight.Contains(r.Id)).ToList();
        }
    }

    private async Task DeliverAsync(OutboxEntry entry, CancellationToken stoppingToken)
    {
        string? error;
        if (!_channels.TryGetValue(entry.Channel, out var channel))
        {
            error = $"no push channel '{entry.Channel}' is configured";
        }
        else
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(_options.AttemptTimeoutSeconds));
            try
            {
                error = await channel.DeliverAsync(entry, timeout.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                error = $"timed out after {_options.AttemptTimeoutSeconds} s";
            }
            catch (Exception e) when (e is HttpRequestException or IOException or InvalidOperationException)
            {
                error = e.Message;
            }
        }

        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await _database.OpenAsync(CancellationToken.None);
        var attempts = entry.Attempts + 1;
        if (error is null)
        {
            Interlocked.Increment(ref _delivered);
            await connection.ExecuteAsync("UPDATE outbox SET delivered_at = @now, attempts = @attempts, last_error = NULL WHERE id = @Id", new { now, attempts, entry.Id });
            await connection.ExecuteAsync("INSERT INTO alarm_timeline (alarm_id, at, event, actor, detail) VALUES (@AlarmId, @now, 'pushed', @Channel, @Target)",
                new { entry.AlarmId, now, entry.Channel, entry.Target });
            return;
        }

        if (attempts >= _options.MaxAttempts)
        {
            Interlocked.Increment(ref _givenUp);
            await connection.ExecuteAsync("UPDATE outbox SET failed_at = @now, attempts = @attempts, last_error = @error WHERE id = @Id", new { now, attempts, error, entry.Id });
            await connection.ExecuteAsync("INSERT INTO alarm_timeline (alarm_id, at, event, actor, detail) VALUES (@AlarmId, @now, 'push failed', @Channel, @detail)",
                new { entry.AlarmId, now, entry.Channel, detail = $"{entry.Target}: given up after {attempts} attempts: {error}" });
            _deadLetters.Add(entry.Target, "push", null, null, $"push to {entry.Target} given up after {attempts} attempts: {error}", System.Text.Encoding.UTF8.GetBytes(entry.Body));
            _logger.LogError("push {Id} to {Target} given up after {Attempts} attempts: {Error}", entry.Id, entry.Target, attempts, error);
            return;
        }

        Interlocked.Increment(ref _failedAttempts);
        // Exponential back-off with full jitter: retries from many failing targets do not line up.
        var ceiling = Math.Min(_options.MaxRetrySeconds, _options.FirstRetrySeconds * Math.Pow(2, attempts - 1));
        var delayMs = (long)(1000 * (ceiling / 2 + Random.Shared.NextDouble() * ceiling / 2));
        await connection.ExecuteAsync("UPDATE outbox SET attempts = @attempts, last_error = @error, next_attempt_at = @next WHERE id = @Id",
            new { attempts, error, next = now + delayMs, entry.Id });
    }
}
