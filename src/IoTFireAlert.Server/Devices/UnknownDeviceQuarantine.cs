using System.Collections.Concurrent;
using Dapper;
using IoTFireAlert.Server.Storage;

namespace IoTFireAlert.Server.Devices;

/// <summary>
/// Messages from unregistered devices land here: counted per (vendor, device), the last payload
/// kept, visible at GET /api/devices/unknown and persisted every few seconds. Bounded: past
/// <see cref="MaxTracked"/> distinct devices, further ones are only counted in total, so a
/// spoofing flood of random ids cannot exhaust memory.
/// </summary>
public sealed class UnknownDeviceQuarantine(SqliteDatabase database, TimeProvider clock) : BackgroundService
{
    public const int MaxTracked = 100_000;

    private sealed class Entry
    {
        public long FirstSeen;
        public long LastSeen;
        public long Count;
        public byte[]? LastPayload;
        public bool Dirty;
    }

    private readonly ConcurrentDictionary<(string Vendor, string DeviceId), Entry> _entries = new();
    private long _total;
    private long _untracked;

    public long TotalMessages => Interlocked.Read(ref _total);

    public long UntrackedMessages => Interlocked.Read(ref _untracked);

    public int DistinctDevices => _entries.Count;

    public void Record(string vendor, string deviceId, ReadOnlySpan<byte> payload)
    {
        Interlocked.Increment(ref _total);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        if (!_entries.TryGetValue((vendor, deviceId), out var entry))
        {
            if (_entries.Count >= MaxTracked)
            {
                Interlocked.Increment(ref _untracked);
                return;
            }

            entry = _entries.GetOrAdd((vendor, deviceId), _ => new Entry { FirstSeen = now });
        }

        var copy = payload[..Math.Min(payload.Length, 1024)].ToArray();
        lock (entry)
        {
            entry.Count++;
            entry.LastSeen = now;
            entry.LastPayload = copy;
            entry.Dirty = true;
        }
    }

    public IReadOnlyList<UnknownDevice> List(int limit) =>
        _entries.Select(e =>
            {
                lock (e.Value)
                {
                    return new UnknownDevice(e.Key.Vendor, e.Key.DeviceId, e.Value.FirstSeen, e.Value.LastSeen, e.Value.Count,
                        e.Value.LastPayload is null ? null : Convert.ToBase64String(e.Value.LastPayload));
                }
            })
            .OrderByDescending(d => d.LastSeen)
            .Take(limit)
            .ToList();

    /// <summary>Forgets a device once it is registered: its next message is processed normally.</summary>
    public void Release(string vendor, string deviceId) => _entries.TryRemove((vendor, deviceId), out _);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Load();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5), clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                Persist();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            Persist();
        }
    }

    private void Load()
    {
        using var connection = database.Open();
        foreach (var row in connection.Query<(string Vendor, string DeviceId, long FirstSeen, long LastSeen, long Count, byte[]? LastPayload)>(
                     "SELECT vendor, device_id, first_seen, last_seen, count, last_payload FROM unknown_devices LIMIT @max", new { max = MaxTracked }))
        {
            _entries.TryAdd((row.Vendor, row.DeviceId), new Entry { FirstSeen = row.FirstSeen, LastSeen = row.LastSeen, Count = row.Count, LastPayload = row.LastPayload });
        }
    }

    private void Persist()
    {
        var dirty = new List<object>();
        foreach (var (key, entry) in _entries)
        {
            lock (entry)
            {
                if (!entry.Dirty)
                {
                    continue;
                }

                entry.Dirty = false;
                dirty.Add(new { key.Vendor, key.DeviceId, entry.FirstSeen, entry.LastSeen, entry.Count, entry.LastPayload });
            }
        }

        if (dirty.Count == 0)
        {
            return;
        }

        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        connection.Execute(
            """
            INSERT INTO unknown_devices (vendor, device_id, first_seen, last_seen, count, last_payload)
            VALUES (@Vendor, @DeviceId, @FirstSeen, @LastSeen, @Count, @LastPayload)
            ON CONFLICT(vendor, device_id) DO UPDATE SET last_seen = excluded.last_seen, count = excluded.count, last_payload = excluded.last_payload
            """, dirty, transaction);
        transaction.Commit();
    }
}
