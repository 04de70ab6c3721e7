using System.Collections.Concurrent;
using System.Threading.Channels;
using IoTFireAlert.Telemetry.LineProtocol;

namespace IoTFireAlert.Telemetry.InfluxDb;

/// <summary>
/// Delivers line protocol to InfluxDB (1.x <c>/write</c> or 2.x/3.x <c>/api/v2/write</c>) without
/// losing any of it and without unbounded memory:
/// <list type="bullet">
/// <item>callers fill a <see cref="LineBatch"/> from <see cref="RentBatch"/> and hand it over with
/// <see cref="WriteAsync"/>, which waits while <see cref="InfluxDbOptions.MaxPendingBatches"/> are queued;</item>
/// <item>one send task packs lines into requests of up to <see cref="InfluxDbOptions.BatchSize"/> lines,
/// or sends what it has after <see cref="InfluxDbOptions.FlushInterval"/>;</item>
/// <item>429, 5xx, timeouts and connection errors are retried (exponential back-off with jitter,
/// Retry-After honoured); a 400/413 is bisected until the refused lines stand alone, which go to
/// the dead-letter callback with the server's message while the good ones are written;</item>
/// <item>when the server stays unreachable, requests go to a disk spill (<see cref="SpillLog"/>) and
/// every later batch follows them there, so order is kept; the spill is replayed, oldest first, when
/// the server answers again — also after a restart of this process.</item>
/// </list>
/// </summary>
public sealed partial class InfluxDbWriter : IAsyncDisposable
{
    private readonly InfluxDbOptions _options;
    private readonly Channel<WriteItem> _channel;
    private readonly ConcurrentQueue<LineBatch> _pool = new();
    private readonly SpillLog _spill;
    private readonly TimeProvider _time;
    private readonly Action<DeadLetter>? _deadLetter;
    private readonly LineBatch _pending;
    private readonly LineBatch _replay;
    private readonly Task _loop;
    private long _nextReplayTimestamp;
    private int _disposed;

    /// <param name="options">Validated options (<see cref="InfluxDbOptions.Validate"/>); throws when invalid.</param>
    /// <param name="deadLetter">Called on the send task with each line the server refused; keep it quick.</param>
    /// <param name="httpClient">A client to use instead of the writer's own (its BaseAddress is ignored).</param>
    /// <param name="timeProvider">Clock for flush intervals and replay probes.</param>
    public InfluxDbWriter(InfluxDbOptions options, Action<DeadLetter>? deadLetter = null, HttpClient? httpClient = null, TimeProvider? timeProvider = null)
    {
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid InfluxDB options: " + string.Join(" ", errors), nameof(options));
        }

        _options = options;
        _deadLetter = deadLetter;
        _time = timeProvider ?? TimeProvider.System;
        _channel = Channel.CreateBounded<WriteItem>(new BoundedChannelOptions(options.MaxPendingBatches)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _pending = new LineBatch(256 * 1024, options.BatchSize);
        _replay = new LineBatch(256 * 1024, options.BatchSize);
        _spill = new SpillLog(options.SpillDirectory, options.SpillSegmentBytes);
        Metrics.SetSpillBacklog(_spill.BacklogBytes);
        _nextReplayTimestamp = _time.GetTimestamp();
        InitHttp(httpClient);
        _loop = Task.Run(RunAsync);
    }

    public InfluxDbWriterMetrics Metrics { get; } = new();

    public InfluxDbOptions Options => _options;

    /// <summary>An empty batch to fill (reused: the writer returns batches to this pool once sent).</summary>
    public LineBatch RentBatch()
    {
        if (_pool.TryDequeue(out var batch))
        {
            return batch;
        }

        return new LineBatch(16 * 1024, 64);
    }

    /// <summary>
    /// Hands <paramref name="batch"/> to the writer, which owns it from then on (do not touch it
    /// after this returns). Waits while the writer's queue is full. If cancelled before it was
    /// accepted, the batch stays the caller's.
    /// </summary>
    public ValueTask WriteAsync(LineBatch batch, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (batch.LineCount == 0)
        {
            Return(batch);
            return ValueTask.CompletedTask;
        }

        if (_channel.Writer.TryWrite(new WriteItem(batch, null)))
        {
            Metrics.AddAccepted(batch.LineCount);
            return ValueTask.CompletedTask;
        }

        return WriteSlowAsync(batch, cancellationToken);
    }

    /// <summary>Completes when every line handed over before this call was delivered, dead-lettered or spilled.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _channel.Writer.WriteAsync(new WriteItem(null, done), cancellationToken).ConfigureAwait(false);
        await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops taking batches, sends what is queued (spilling what cannot be delivered) and closes the spill.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _channel.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        _spill.Dispose();
        DisposeHttp();
    }

    private async ValueTask WriteSlowAsync(LineBatch batch, CancellationToken cancellationToken)
    {
        await _channel.Writer.WriteAsync(new WriteItem(batch, null), cancellationToken).ConfigureAwait(false);
        Metrics.AddAccepted(batch.LineCount);
    }

    private void Return(LineBatch batch)
    {
        batch.Clear();
        if (_pool.Count < _options.MaxPendingBatches * 2)
        {
            _pool.Enqueue(batch);
        }
    }

    private async Task RunAsync()
    {
        while (true)
        {
            try
            {
                await RunLoopAsync().ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The spill folder failed (disk full, permissions). The packed request is still in
                // _pending (it is cleared only once sent or spilled): report, wait, try again.
                Metrics.LastError = "spill: " + e.Message;
                await Task.Delay(_options.ReplayInterval, _time).ConfigureAwait(false);
            }
        }
    }

    private async Task RunLoopAsync()
    {
        var reader = _channel.Reader;
        long flushDeadline = 0;
        var completed = false;
        while (true)
        {
            if (_spill.HasData && _time.GetTimestamp() >= _nextReplayTimestamp)
            {
                await ReplayOneAsync().ConfigureAwait(false);
            }

            // A full spill stops intake: the channel fills and callers wait. Nothing is dropped.
            // On shutdown the cap yields: queued lines go to disk rather than being lost.
            var spillFull = _spill.BacklogBytes >= _options.SpillMaxBytes && Volatile.Read(ref _disposed) == 0;
            while (!spillFull && reader.TryRead(out var item))
            {
                if (item.Flushed is { } flushed)
                {
                    await SendPendingAsync().ConfigureAwait(false);
                    flushed.TrySetResult();
                    continue;
                }

                var batch = item.Batch!;
                var start = 0;
                while (start < batch.LineCount)
                {
                    var take = Math.Min(batch.LineCount - start, _options.BatchSize - _pending.LineCount);
                    if (_pending.LineCount == 0)
                    {
                        flushDeadline = _time.GetTimestamp() + ToTimestamp(_options.FlushInterval);
                    }

                    _pending.AppendLines(batch, start, take);
                    start += take;
                    if (_pending.LineCount >= _options.BatchSize)
                    {
                        await SendPendingAsync().ConfigureAwait(false);
                    }
                }

                Return(batch);
                spillFull = _spill.BacklogBytes >= _options.SpillMaxBytes && Volatile.Read(ref _disposed) == 0;
            }

            if (_pending.LineCount > 0 && _time.GetTimestamp() >= flushDeadline)
            {
                await SendPendingAsync().ConfigureAwait(false);
            }

            if (completed || reader.Completion.IsCompleted)
            {
                await SendPendingAsync().ConfigureAwait(false);
                return;
            }

            var now = _time.GetTimestamp();
            var wake = long.MaxValue;
            if (_pending.LineCount > 0)
            {
                wake = flushDeadline;
            }

            if (_spill.HasData)
            {
                wake = Math.Min(wake, _nextReplayTimestamp);
            }

            if (wake <= now)
            {
                continue;
            }

            if (spillFull)
            {
                await Task.Delay(_time.GetElapsedTime(now, wake), _time).ConfigureAwait(false);
                continue;
            }

            var readable = reader.WaitToReadAsync();
            if (wake == long.MaxValue)
            {
                completed = !await readable.ConfigureAwait(false);
                continue;
            }

            if (readable.IsCompleted)
            {
                completed = !readable.Result;
                continue;
            }

            using var timer = new CancellationTokenSource();
            var readTask = readable.AsTask();
            var delay = Task.Delay(_time.GetElapsedTime(now, wake), _time, timer.Token);
            if (await Task.WhenAny(readTask, delay).ConfigureAwait(false) == readTask)
            {
                completed = !await readTask.ConfigureAwait(false);
            }

            await timer.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Sends the packed request, or appends it to the spill while a backlog exists or the server is unreachable.</summary>
    private async Task SendPendingAsync()
    {
        var count = _pending.LineCount;
        if (count == 0)
        {
            return;
        }

        if (_spill.HasData)
        {
            Spill(_pending, 0, count);
        }
        else
        {
            var handled = await SendLinesAsync(_pending, 0, count, withRetries: true).ConfigureAwait(false);
            if (handled < count)
            {
                Spill(_pending, handled, count - handled);
                _nextReplayTimestamp = _time.GetTimestamp() + ToTimestamp(_options.ReplayInterval);
            }
        }

        _pending.Clear();
    }

    private void Spill(LineBatch batch, int start, int count)
    {
        _spill.Append(batch, start, count);
        Metrics.AddSpilled(count);
        Metrics.SetSpillBacklog(_spill.BacklogBytes);
    }

    /// <summary>Tries the oldest spilled record once (no retries: the probe interval is the back-off).</summary>
    private async Task ReplayOneAsync()
    {
        if (!_spill.TryPeek(_replay))
        {
            Metrics.SetSpillBacklog(_spill.BacklogBytes);
            _nextReplayTimestamp = _time.GetTimestamp() + ToTimestamp(_options.ReplayInterval);
            return;
        }

        var count = _replay.LineCount;
        var handled = await SendLinesAsync(_replay, 0, count, withRetries: false).ConfigureAwait(false);
        if (handled < count)
        {
            // Lines before 'handled' may be sent again later: InfluxDB overwrites a point with the
            // same series and timestamp, so a re-send cannot duplicate it.
            _nextReplayTimestamp = _time.GetTimestamp() + ToTimestamp(_options.ReplayInterval);
            return;
        }

        _spill.CommitPeeked();
        Metrics.AddReplayed(count);
        Metrics.SetSpillBacklog(_spill.BacklogBytes);
        // Next record right away, after the main loop has taken in what callers queued meanwhile.
        _nextReplayTimestamp = _time.GetTimestamp();
    }

    private long ToTimestamp(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    private readonly record struct WriteItem(LineBatch? Batch, TaskCompletionSource? Flushed);
}
