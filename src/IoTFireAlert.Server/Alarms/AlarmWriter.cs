using System.Threading.Channels;
using IoTFireAlert.Server.DeadLetters;
using IoTFireAlert.Server.Storage;

namespace IoTFireAlert.Server.Alarms;

/// <summary>
/// The single writer of alarm state. Partitions hand it device verdicts, the API and the dispatch
/// loop operator actions and follow-ups, through two bounded channels; it commits many items per
/// transaction (one fsync-free WAL commit per batch, not per alarm) and only then acknowledges the
/// MQTT messages and publishes the events. Being the only writer keeps event ids in commit order and
/// the correlation window lock-free. Verdicts go first: a batch takes every verdict waiting and at
/// most <see cref="FollowUpsPerBatch"/> other items, so a new fire alarm never queues behind the
/// reminders and escalations of hundreds of unanswered ones (an alarm storm), while those still
/// move on every batch.
/// </summary>
public sealed class AlarmWriter : BackgroundService
{
    /// <summary>Operator actions and dispatch follow-ups taken into one batch, after its verdicts.</summary>
    public const int FollowUpsPerBatch = 32;

    private readonly Channel<AlarmWork> _verdicts;
    private readonly Channel<AlarmWork> _followUps;
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
        _verdicts = Channel.CreateBounded<AlarmWork>(new BoundedChannelOptions(8192) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _followUps = Channel.CreateBounded<AlarmWork>(new BoundedChannelOptions(8192) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    public int QueueDepth => _verdicts.Reader.Count + _followUps.Reader.Count;

    public long CommittedItems => Interlocked.Read(ref _committedItems);

    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Alarm events of kind "raised" committed since start.</summary>
    public long Raised => Interlocked.Read(ref _raised);

    /// <summary>Waits while the writer is behind: back-pressure reaches the partitions and from them the MQTT socket.</summary>
    public ValueTask EnqueueAsync(AlarmWork work, CancellationToken cancellationToken) => Lane(work).Writer.WriteAsync(work, cancellationToken);

    public async Task<OperatorActionResult> ActAsync(OperatorAction action, CancellationToken cancellationToken)
    {
        await _followUps.Writer.WriteAsync(action, cancellationToken).ConfigureAwait(false);
        return await action.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var sqlite = await _database.OpenAsync(stoppingToken).ConfigureAwait(false);
        // Its statements are prepared once and reused: tens of them per alarm, for the writer's whole life.
        await using var connection = new PreparedStatementConnection(sqlite);
        _lifecycle.Warm(connection, _clock.GetUtcNow().ToUnixTimeMilliseconds());
        var batch = new List<AlarmWork>(_options.MaxBatch);
        var events = new List<AlarmEvent>();
        var outboxAdded = new List<long>();
        // At most one pending wait per lane, kept across idle spells: a new wait on a silent lane at
        // every wake-up of the other would pile up waiters.
        Task<bool>? verdictsReady = null;
        Task<bool>? followUpsReady = null;
        while (true)
        {
            batch.Clear();
            while (batch.Count < _options.MaxBatch && _verdicts.Reader.TryRead(out var verdict))
            {
                batch.Add(verdict);
            }

            for (var taken = 0; taken < FollowUpsPerBatch && _followUps.Reader.TryRead(out var followUp); taken++)
            {
                batch.Add(followUp);
            }

            if (batch.Count == 0)
            {
                verdictsReady ??= _verdicts.Reader.WaitToReadAsync(stoppingToken).AsTask();
                followUpsReady ??= _followUps.Reader.WaitToReadAsync(stoppingToken).AsTask();
                await Task.WhenAny(verdictsReady, followUpsReady).ConfigureAwait(false);
                stoppingToken.ThrowIfCancellationRequested();
                verdictsReady = verdictsReady.IsCompleted ? null : verdictsReady;
                followUpsReady = followUpsReady.IsCompleted ? null : followUpsReady;
                continue;
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

    private Channel<AlarmWork> Lane(AlarmWork work) => work is DeviceVerdicts ? _verdicts : _followUps;

    private bool TryCommit(PreparedStatementConnection connection, List<AlarmWork> batch, List<AlarmEvent> events, List<long> outboxAdded, out Exception? error)
    {
        events.Clear();
        outboxAdded.Clear();
        var results = new OperatorActionResult?[batch.Count];
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        try
        {
            using var transaction = connection.Inner.BeginTransaction();
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

    private void CommitAlone(PreparedStatementConnection connection, AlarmWork item, List<AlarmEvent> events, List<long> outboxAdded, CancellationToken stoppingToken)
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
