using System.Collections.Concurrent;
using System.Threading.Channels;
using Dapper;
using IoTFireAlert.Server.Storage;

namespace IoTFireAlert.Server.DeadLetters;

/// <summary>
/// Bounded store of rejected messages. Partitions hand letters over without waiting (a flood of
/// garbage must not slow good devices down); a background task writes them in batches and keeps
/// the newest <c>capacity</c>. Every letter is counted by stage, even when the store is full.
/// </summary>
public sealed class DeadLetterStore : BackgroundService
{
    private readonly SqliteDatabase _database;
    private readonly int _capacity;
    private readonly TimeProvider _clock;
    private readonly Channel<DeadLetter> _pending = Channel.CreateBounded<DeadLetter>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly ConcurrentDictionary<(string Stage, string Vendor), long> _counts = new();
    private long _notStored;

    public DeadLetterStore(SqliteDatabase database, DeadLetterOptions options, TimeProvider clock)
    {
        _database = database;
        _capacity = options.Capacity;
        _clock = clock;
    }

    /// <summary>Letters counted but not kept because the writer was behind.</summary>
    public long NotStored => Interlocked.Read(ref _notStored);

    public IEnumerable<KeyValuePair<(string Stage, string Vendor), long>> Counts => _counts;

    public void Add(string topic, string stage, string? vendor, string? deviceId, string reason, ReadOnlySpan<byte> payload)
    {
        _counts.AddOrUpdate((stage, vendor ?? ""), 1, static (_, n) => n + 1);
        var letter = new DeadLetter(0, _clock.GetUtcNow().ToUnixTimeMilliseconds(), topic, stage, vendor, deviceId, reason, payload.IsEmpty ? null : payload.ToArray());
        if (!_pending.Writer.TryWrite(letter))
        {
            Interlocked.Increment(ref _notStored);
        }
    }

    public async Task<IReadOnlyList<DeadLetter>> ListAsync(int limit, long? beforeId, string? stage, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<DeadLetter>(new CommandDefinition(
            "SELECT id AS Id, at AS At, topic AS Topic, stage AS Stage, vendor AS Vendor, device_id AS DeviceId, reason AS Reason, payload AS Payload " +
            "FROM dead_letters WHERE (@beforeId IS NULL OR id < @beforeId) AND (@stage IS NULL OR stage = @stage) ORDER BY id DESC LIMIT @limit",
            new { beforeId, stage, limit }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.AsList();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<DeadLetter>();
        try
        {
            while (await _pending.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                await FlushAsync(batch, stoppingToken).ConfigureAwait(false);
                await Task.Delay(100, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: keep what is pending.
            await FlushAsync(batch, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task FlushAsync(List<DeadLetter> batch, CancellationToken cancellationToken)
    {
        batch.Clear();
        while (batch.Count < 5_000 && _pending.Reader.TryRead(out var letter))
        {
            batch.Add(letter);
        }

        if (batch.Count == 0)
        {
            return;
        }

        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO dead_letters (at, topic, stage, vendor, device_id, reason, payload) VALUES (@At, @Topic, @Stage, @Vendor, @DeviceId, @Reason, @Payload)",
            batch, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM dead_letters WHERE id <= (SELECT max(id) FROM dead_letters) - @capacity", new { capacity = _capacity }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
