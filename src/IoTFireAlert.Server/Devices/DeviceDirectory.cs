using System.Collections.Concurrent;

namespace IoTFireAlert.Server.Devices;

/// <summary>
/// The in-memory registry the pipeline reads on every message. Lookups by a span of chars
/// (the device id as decoded from the topic or payload) allocate nothing; registration from
/// the API replaces or adds entries without stopping the readers.
/// </summary>
public sealed class DeviceDirectory
{
    private readonly ConcurrentDictionary<string, DeviceEntry> _devices = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DeviceEntry>.AlternateLookup<ReadOnlySpan<char>> _bySpan;
    private readonly Action<DeviceEntry>? _prepare;
    private readonly ConcurrentDictionary<string, string> _strings = new(StringComparer.Ordinal);

    /// <param name="prepare">Called for every new or updated entry before it is visible (e.g. to resolve its rules).</param>
    public DeviceDirectory(Action<DeviceEntry>? prepare = null)
    {
        _prepare = prepare;
        _bySpan = _devices.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Count => _devices.Count;

    public ICollection<DeviceEntry> Entries => _devices.Values;

    public bool TryGet(ReadOnlySpan<char> deviceId, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out DeviceEntry entry) =>
        _bySpan.TryGetValue(deviceId, out entry);

    public DeviceEntry Register(DeviceRecord record)
    {
        record = ForPipeline(record);
        if (_devices.TryGetValue(record.Id, out var existing))
        {
            existing.Record = record;
            _prepare?.Invoke(existing);
            return existing;
        }

        var entry = new DeviceEntry(record);
        _prepare?.Invoke(entry);
        return _devices.GetOrAdd(record.Id, entry);
    }

    /// <summary>
    /// What the pipeline needs of a record, as small as it can be at a million devices. Vendor, site,
    /// building, floor, grid and install date repeat across thousands of devices, and a household's or
    /// shop's address across all its detectors: one shared string each instead of one per device. Name
    /// and contacts (~130 B a device) are left out: only people read them, in pushes, the console and
    /// the API, which read the full record from SQLite (<see cref="DeviceRepository"/>).
    /// </summary>
    private DeviceRecord ForPipeline(DeviceRecord record) => record with
    {
        Vendor = Shared(record.Vendor)!,
        Name = null,
        Site = Shared(record.Site),
        Address = Shared(record.Address),
        Building = Shared(record.Building),
        Floor = Shared(record.Floor),
        Grid = Shared(record.Grid),
        Contacts = null,
        InstalledOn = Shared(record.InstalledOn),
    };

    private string? Shared(string? text) => text is null ? null : _strings.GetOrAdd(text, text);

    public DeviceStatus? StatusOf(string deviceId)
    {
        if (!_devices.TryGetValue(deviceId, out var entry))
        {
            return null;
        }

        var seen = entry.LastSeenUnixMs;
        return new DeviceStatus(!entry.State.IsOffline && seen > 0 && entry.ReportedState != 2, seen == 0 ? null : seen);
    }
}
