using System.Buffers;
using IoTFireAlert.Dispatch.Geo;

namespace IoTFireAlert.Dispatch.Fleet;

/// <summary>
/// Live positions of the repair fleet on a uniform grid. Each vehicle sits in one cell's intrusive
/// doubly-linked list (arrays <c>_next</c>/<c>_prev</c>, no nodes); a position update rewrites its
/// coordinates and relinks only when the cell changes, so an update is a few array writes and two
/// SinCos calls, with no allocation. Nearest-available searches scan rings of cells like
/// <see cref="Stations.NearestStationFinder"/> and equal a brute-force scan ordered by (ETA, id ordinal).
/// <para>
/// Threading: single owner. Updates and searches come from one task (the fleet stage), so nothing
/// locks; a second thread must not call in.
/// </para>
/// </summary>
public sealed partial class FleetIndex
{
    private const double ChordSlack = 1.0 + 1e-9;
    private const int StackCandidates = 64;
    private const int None = -1;

    private readonly GridGeometry _grid;
    private readonly int[] _head;
    private readonly int _outside;
    private readonly Dictionary<string, int> _slotById = new(StringComparer.Ordinal);

    private string[] _ids;
    private string[] _names;
    private double[] _lat;
    private double[] _lon;
    private double[] _x;
    private double[] _y;
    private double[] _z;
    private double[] _speed;
    private double[] _heading;
    private long[] _timestamp;
    private VehicleStatus[] _status;
    private int[] _cell;
    private int[] _next;
    private int[] _prev;

    public FleetIndex(FleetRegion region, TravelModel travel, int capacity = 1024)
    {
        ArgumentNullException.ThrowIfNull(region);
        region.Validate();
        Travel = travel ?? throw new ArgumentNullException(nameof(travel));
        _grid = GridGeometry.WithCellSize(region.MinLatitude, region.MaxLatitude, region.MinLongitude, region.MaxLongitude, region.CellMeters);
        _outside = _grid.CellCount;
        _head = new int[_grid.CellCount + 1];
        Array.Fill(_head, None);
        capacity = Math.Max(16, capacity);
        _ids = new string[capacity];
        _names = new string[capacity];
        _lat = new double[capacity];
        _lon = new double[capacity];
        _x = new double[capacity];
        _y = new double[capacity];
        _z = new double[capacity];
        _speed = new double[capacity];
        _heading = new double[capacity];
        _timestamp = new long[capacity];
        _status = new VehicleStatus[capacity];
        _cell = new int[capacity];
        _next = new int[capacity];
        _prev = new int[capacity];
    }

    public TravelModel Travel { get; }

    public int Count { get; private set; }

    public bool TryGetSlot(string vehicleId, out int slot) => _slotById.TryGetValue(vehicleId, out slot);

    /// <summary>Adds a vehicle (or refreshes a known one) and returns its slot. Allocates; not for the per-update path.</summary>
    public int Register(RepairVehicle vehicle)
    {
        ArgumentNullException.ThrowIfNull(vehicle);
        if (!vehicle.Location.IsValid)
        {
            throw new ArgumentException($"vehicle '{vehicle.Id}' has an invalid position ({vehicle.Latitude}, {vehicle.Longitude})", nameof(vehicle));
        }

        if (!_slotById.TryGetValue(vehicle.Id, out var slot))
        {
            if (Count == _ids.Length)
            {
                Grow(_ids.Length * 2);
            }

            slot = Count++;
            _slotById.Add(vehicle.Id, slot);
            _ids[slot] = vehicle.Id;
            _cell[slot] = None;
        }

        _names[slot] = vehicle.Name;
        _status[slot] = vehicle.Status;
        UpdatePosition(slot, vehicle.Latitude, vehicle.Longitude, vehicle.SpeedKmh, vehicle.HeadingDegrees, vehicle.LastUpdate.ToUnixTimeMilliseconds());
        return slot;
    }

    /// <summary>Moves a vehicle. Returns false (and changes nothing) for an invalid position.</summary>
    public bool UpdatePosition(int slot, double latitude, double longitude, double speedKmh, double headingDegrees, long timestampUnixMs)
    {
        if (!(latitude is >= -90.0 and <= 90.0) || !(longitude is >= -180.0 and <= 180.0))
        {
            return false;
        }

        var cell = _grid.Contains(latitude, longitude) ? _grid.CellOf(latitude, longitude) : _outside;
        if (cell != _cell[slot])
        {
            Unlink(slot);
            Link(slot, cell);
        }

        var v = UnitVector.From(latitude, longitude);
        _lat[slot] = latitude;
        _lon[slot] = longitude;
        _x[slot] = v.X;
        _y[slot] = v.Y;
        _z[slot] = v.Z;
        _speed[slot] = speedKmh;
        _heading[slot] = headingDegrees;
        _timestamp[slot] = timestampUnixMs;
        return true;
    }

    public void SetStatus(int slot, VehicleStatus status) => _status[slot] = status;

    /// <summary>
    /// Applies a parsed fix (position, and status when the source sent one). False when the vehicle
    /// is not registered: report <see cref="FleetPositionResult.Unknown"/> for it.
    /// </summary>
    public bool TryApply(in FleetPosition position)
    {
        if (!_slotById.TryGetValue(position.VehicleId, out var slot)
            || !UpdatePosition(slot, position.Latitude, position.Longitude, position.SpeedKmh, position.HeadingDegrees, position.TimestampUnixMs))
        {
            return false;
        }

        if (position.Status is { } status)
        {
            _status[slot] = status;
        }

        return true;
    }

    public VehicleStatus GetStatus(int slot) => _status[slot];

    public long LastUpdateUnixMs(int slot) => _timestamp[slot];

    /// <summary>A copy of one vehicle's state, for the API and the console. Allocates.</summary>
    public RepairVehicle Snapshot(int slot) => new(
        _ids[slot], _names[slot], _lat[slot], _lon[slot], _speed[slot], _heading[slot], _status[slot],
        DateTimeOffset.FromUnixTimeMilliseconds(_timestamp[slot]));

    /// <summary>The nearest vehicles by ETA (repair-van speed), available ones only unless told otherwise.</summary>
    /// <returns>How many were found, in ascending (ETA, id) order.</returns>
    public int FindNearest(GeoPoint from, Span<VehicleHit> results, bool availableOnly = true)
    {
        if (!from.IsValid)
        {
            throw new ArgumentOutOfRangeException(nameof(from), from, "query position out of range");
        }

        if (results.IsEmpty || Count == 0)
        {
            return 0;
        }

        double[]? rented = null;
        var chords = results.Length <= StackCandidates
            ? stackalloc double[StackCandidates]
            : (rented = ArrayPool<double>.Shared.Rent(results.Length));
        try
        {
            return Search(from, availableOnly, results, chords);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<double>.Shared.Return(rented);
            }
        }
    }

    private int Search(GeoPoint from, bool availableOnly, Span<VehicleHit> results, Span<double> chords)
    {
        var top = new VehicleCandidates(results, chords, UnitVector.From(from), Travel.SecondsPerMeter(ResponseMeans.RepairVan), availableOnly, this);
        top.ScanList(_head[_outside]);

        var g = _grid;
        g.Locate(from.Latitude, from.Longitude, out var fy, out var fx, out var row, out var column);
        var cos2 = g.LongitudeBoundFactor(from.Latitude, from.Longitude);
        var columns = g.Columns;
        var rows = g.Rows;
        top.ScanList(_head[(row * columns) + column]);
        for (var ring = 1; ring <= g.MaxRing; ring++)
        {
            if (!g.RingLowerBound(fy, fx, row, column, ring, cos2, out var bound))
            {
                break;
            }

            if (top.IsFull && bound > top.WorstChord * ChordSlack)
            {
                break;
            }

            var c0 = Math.Max(0, column - ring);
            var c1 = Math.Min(columns - 1, column + ring);
            if (row - ring >= 0)
            {
                var start = (row - ring) * columns;
                for (var c = c0; c <= c1; c++)
                {
                    top.ScanList(_head[start + c]);
                }
            }

            if (row + ring < rows)
            {
                var start = (row + ring) * columns;
                for (var c = c0; c <= c1; c++)
                {
                    top.ScanList(_head[start + c]);
                }
            }

            var r0 = Math.Max(0, row - ring + 1);
            var r1 = Math.Min(rows - 1, row + ring - 1);
            if (column - ring >= 0)
            {
                for (var r = r0; r <= r1; r++)
                {
                    top.ScanList(_head[(r * columns) + column - ring]);
                }
            }

            if (column + ring < columns)
            {
                for (var r = r0; r <= r1; r++)
                {
                    top.ScanList(_head[(r * columns) + column + ring]);
                }
            }
        }

        return top.Count;
    }

    private void Unlink(int slot)
    {
        var cell = _cell[slot];
        if (cell == None)
        {
            return;
        }

        var prev = _prev[slot];
        var next = _next[slot];
        if (prev == None)
        {
            _head[cell] = next;
        }
        else
        {
            _next[prev] = next;
        }

        if (next != None)
        {
            _prev[next] = prev;
        }

        _cell[slot] = None;
    }

    private void Link(int slot, int cell)
    {
        var first = _head[cell];
        _prev[slot] = None;
        _next[slot] = first;
        if (first != None)
        {
            _prev[first] = slot;
        }

        _head[cell] = slot;
        _cell[slot] = cell;
    }

    private void Grow(int capacity)
    {
        Array.Resize(ref _ids, capacity);
        Array.Resize(ref _names, capacity);
        Array.Resize(ref _lat, capacity);
        Array.Resize(ref _lon, capacity);
        Array.Resize(ref _x, capacity);
        Array.Resize(ref _y, capacity);
        Array.Resize(ref _z, capacity);
        Array.Resize(ref _speed, capacity);
        Array.Resize(ref _heading, capacity);
        Array.Resize(ref _timestamp, capacity);
        Array.Resize(ref _status, capacity);
        Array.Resize(ref _cell, capacity);
        Array.Resize(ref _next, capacity);
        Array.Resize(ref _prev, capacity);
    }
}
