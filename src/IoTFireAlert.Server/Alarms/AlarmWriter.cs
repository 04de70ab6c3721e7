using System.Threading.Channels;
using IoTFireAlert.Server.DeadLetters;
using IoTFireAlert.Server.Storage;

namespace IoTFireAlert.Server.Alarms;

/// <summary>
/// The single writer of alarm state. Partitions and the API hand it work through one bounded
/// channel; it commits many items per transaction (one fsync-free WAL commit per batch, not per
/// alarm) and only then acknowledges the MQTT messages and publishes the events. Being the only
/// writer keeps event ids in commit order and the correlation window lock-free.
/// </summary>
public sealed class AlarmWriter : BackgroundService
{
    private readonly Channel<AlarmWork> _work;
    private readonly SqliteDatabase _database;
    private readonly AlarmLifecycle _lifecycle;
    private readonly AlarmEventHub _hub;
    private readonly OutboxSignal _outbox;
    private readonly DeadLetterStore _deadLetters;
    private readonly AlarmOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<AlarmWriter> _logger;
    private long _committedItems;
    private long _batches;
    private long _raised;

    public AlarmWriter(SqliteDatabase database, AlarmLifecycle lifecycle, AlarmEventHub hub, OutboxSignal outbox, DeadLetterStore deadLetters, AlarmOptions options, TimeProvider clock, ILogger<AlarmWriter> logger)
    {
        _database = database;
        _lifecycle = lifecycle;
        _hub = hub;
        _outbox = outbox;
        _deadLetters = deadLetters;
        _options = options;
        _clock = clock;
        _logger = logger;
        _work = Channel.CreateBounded<AlarmWork>(new BoundedChannelOptions(8192) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    public int QueueDepth => _work.Reader.Count;

    public long CommittedItems => Interlocked.Read(ref _committedItems);

    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Alarm events of kind "raised" committed since start.</summary>
    public long Raised => Interlocked.Read(ref _raised);

    /// <summary>Waits while the writer is behind: back-pressure reaches the partitions and from them the MQTT socket.</summary>
    public ValueTask EnqueueAsync(AlarmWork work, CancellationToken cancellationToken) => _work.Writer.WriteAsync(work, cancellationToken);

    public async Task<OperatorActionResult> ActAsync(OperatorAction action, CancellationToken cancellationToken)
    {
        await _work.Writer.WriteAsync(action, cancellationToken).ConfigureAwait(false);
        return await action.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var connection = await _database.OpenAsync(stoppingToken).ConfigureAwait(false);
        _lifecycle.Warm(connection, _clock.GetUtcNow().ToUnixTimeMilliseconds());
        var batch = new List<AlarmWork>(_options.MaxBatch);
        var events = new List<AlarmEvent>();
        var outboxAdded = new List<long>();
        var reader = _work.Reader;
        while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < _options.MaxBatch && reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            if (!TryCommit(connection, batch, events, outboxAdded, out var error))
            {
                // One bad item must not hold the others back: commit them one by one, then set aside what still fails.
                _logger.LogError(error, "alarm batch of {Count} failed; retrying item by item", batch.Count);
                foreach (var item in batch)
                {
                    CommitAlone(connection, item, events, outboxAdded, stoppingToken);
                }
            }
        }
    }

    private bool TryCommit(Microsoft.Data.Sqlite.SqliteConnection connection, List<AlarmWork> batch, List<AlarmEvent> events, List<long> outboxAdded, out Exception? error)
    {
        events.Clear();
        outboxAdded.Clear();
        var results = new OperatorActionResult?[batch.Count];
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        try
        {
            using var transaction = connection.BeginTransaction();
            for (var i = 0; i < batch.Count; i++)
            {
                switch (batch[i])
                {
                    case DeviceVerdicts verdicts:
                        _lifecycle.Apply(connection, transaction, verdicts, now, events, outboxAdded);
                        break;
                    case OperatorAction action:
                        results[i] = _lifecycle.Apply(connection, transaction, action, now, events);
                        break;
                    case DispatchFollowUp followUp:
                        _lifecycle.Apply(connection, transaction, followUp, now, events, outboxAdded);
                        break;
                }
            }

            transaction.Commit();
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException or System.Data.DataException)
        {
            error = e;
            return false;
        }

        error = null;
        Interlocked.Add(ref _committedItems, batch.Count);
        Interlocked.Increment(ref _batches);
        // Committed: now, and only now, the broker may forget the messages that carried these alarms.
        for (var i = 0; i < batch.Count; i++)
        {
            switch (batch[i])
            {
                case DeviceVerdicts verdicts:
                    verdicts.AfterCommit?.Invoke();
                    break;
                case OperatorAction action:
                    action.Completion.TrySetResult(results[i]!);
                    break;
            }
        }

        foreach (var alarmEvent in events)
        {
            if (alarmEvent.Kind == "raised")
            {
                Interlocked.Increment(ref _raised);
            }

            _hub.Publish(alarmEvent);
        }

        if (outboxAdded.Count > 0)
        {
            _outbox.Notify();
        }

        return true;
    }

    private void CommitAlone(Microsoft.Data.Sqlite.SqliteConnection connection, AlarmWork item, List<AlarmEvent> events, List<long> outboxAdded, CancellationToken stoppingToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (TryCommit(connection, [item], events, outboxAdded, out var error))
            {
                return;
            }

            if (attempt >= 3 || stoppingToken.IsCancellationRequested)
            {
                _logger.LogCritical(error, "alarm work could not be stored after {Attempts} attempts; kept as a dead letter", attempt);
                switch (item)
                {
                    case DeviceVerdicts verdicts:
                        _deadLetters.Add("alarm", "alarm-store", verdicts.Device.Vendor, verdicts.Device.Id, $"alarm could not be stored: {error?.Message}", ReadOnlySpan<byte>.Empty);
                        // Acknowledging keeps later messages flowing (acks go in order); the verdict itself is in the dead letters.
                        verdicts.AfterCommit?.Invoke();
                        break;
                    case OperatorAction action:
                        action.Completion.TrySetResult(new OperatorActionResult(null, $"could not be stored: {error?.Message}", 503));
                        break;
                }

                return;
            }

            Thread.Sleep(100 * attempt);
        }
    }
}
