using System.Buffers;
using IoTFireAlert.Dispatch.Geo;

namespace IoTFireAlert.Dispatch.Stations;

/// <summary>
/// k-nearest stations by ETA for one means, with tier and availability filters. Stations are static
/// (built once; reload builds a new finder); their status is a byte per station, so marking one
/// committed or available again costs an array write and no rebuild.
/// <para>
/// ETA per means is distance x a constant, so each means has its own grid of the stations keeping it
/// and a search is a ring scan of that grid (see <see cref="GridGeometry"/>). Order is (ETA, station
/// id ordinal): stations are sorted by id at build, so the slot is the tie-breaker. Results equal a
/// brute-force scan that computes <see cref="GreatCircle.Meters(GeoPoint, GeoPoint)"/> and
/// <see cref="TravelModel.EtaSeconds"/> for every station.
/// </para>
/// <para>
/// Threading: searches only read; <see cref="SetStatus(int, UnitStatus)"/> writes one byte. Drive
/// both from the dispatcher's task; a concurrent reader sees either status, never a torn one.
/// </para>
/// </summary>
public sealed class NearestStationFinder
{
    /// <summary>Relative slack on squared chords: far above rounding, far below any real difference.</summary>
    private const double ChordSlack = 1.0 + 1e-9;

    private const int StackCandidates = 64;

    private readonly Station[] _stations;
    private readonly UnitVector[] _vectors;
    private readonly UnitStatus[] _status;
    private readonly Dictionary<string, int> _slotById;
    private readonly MeansGrid?[] _grids = new MeansGrid?[TravelModel.MeansSlots];

    public NearestStationFinder(IEnumerable<Station> stations, TravelModel travel)
    {
        ArgumentNullException.ThrowIfNull(stations);
        Travel = travel ?? throw new ArgumentNullException(nameof(travel));
        _stations = [.. stations];
        Array.Sort(_stations, static (a, b) => string.CompareOrdinal(a.Id, b.Id));
        _slotById = new Dictionary<string, int>(_stations.Length, StringComparer.Ordinal);
        _vectors = new UnitVector[_stations.Length];
        _status = new UnitStatus[_stations.Length];
        for (var i = 0; i < _stations.Length; i++)
        {
            var s = _stations[i];
            if (!s.Location.IsValid)
            {
                throw new ArgumentException($"station '{s.Id}' has an invalid position ({s.Latitude}, {s.Longitude})", nameof(stations));
            }

            if (!_slotById.TryAdd(s.Id, i))
            {
                throw new ArgumentException($"station id '{s.Id}' appears twice", nameof(stations));
            }

            _vectors[i] = UnitVector.From(s.Latitude, s.Longitude);
            _status[i] = s.Status;
        }

        foreach (var means in Enum.GetValues<ResponseMeans>())
        {
            _grids[(int)means] = MeansGrid.Build(_stations, _vectors, means);
        }
    }

    public TravelModel Travel { get; }

    public int Count => _stations.Length;

    /// <summary>The station as loaded; its <see cref="Station.Status"/> is the loaded one, see <see cref="GetStatus"/>.</summary>
    public Station this[int slot] => _stations[slot];

    public bool TryGetSlot(string stationId, out int slot) => _slotById.TryGetValue(stationId, out slot);

    public UnitStatus GetStatus(int slot) => _status[slot];

    public void SetStatus(int slot, UnitStatus status) => _status[slot] = status;

    public bool SetStatus(string stationId, UnitStatus status)
    {
        if (!_slotById.TryGetValue(stationId, out var slot))
        {
            return false;
        }

        _status[slot] = status;
        return true;
    }

    /// <summary>
    /// Fills <paramref name="results"/> with the nearest stations by ETA that keep <paramref name="means"/>,
    /// are in one of <paramref name="tiers"/> and (when <paramref name="availableOnly"/>) are available.
    /// </summary>
    /// <returns>How many were found (at most <c>results.Length</c>), in ascending (ETA, id) order.</returns>
    public int FindNearest(GeoPoint from, ResponseMeans means, StationTiers tiers, Span<StationHit> results, bool availableOnly = true)
    {
        if (!from.IsValid)
        {
            throw new ArgumentOutOfRangeException(nameof(from), from, "query position out of range");
        }

        if ((uint)means >= TravelModel.MeansSlots || results.IsEmpty)
        {
            return 0;
        }

        var grid = _grids[(int)means];
        if (grid is null)
        {
            return 0;
        }

        double[]? rented = null;
        var chords = results.Length <= StackCandidates
            ? stackalloc double[StackCandidates]
            : (rented = ArrayPool<double>.Shared.Rent(results.Length));
        try
        {
            return Search(grid, from, means, (byte)tiers, availableOnly, results, chords);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<double>.Shared.Return(rented);
            }
        }
    }

    private int Search(MeansGrid grid, GeoPoint from, ResponseMeans means, byte tiers, bool availableOnly, Span<StationHit> results, Span<double> chords)
    {
        var geometry = grid.Geometry;
        geometry.Locate(from.Latitude, from.Longitude, out var fy, out var fx, out var row, out var column);
        var cos2 = geometry.LongitudeBoundFactor(from.Latitude, from.Longitude);
        var top = new StationCandidates(results, chords, UnitVector.From(from), means, Travel.SecondsPerMeter(means), tiers, availableOnly, _status, _stations);
        var columns = geometry.Columns;
        var rows = geometry.Rows;

        for (var ring = 0; ring <= geometry.MaxRing; ring++)
        {
            if (ring == 0)
            {
                top.ScanCell(grid, (row * columns) + column);
                continue;
            }

            if (!geometry.RingLowerBound(fy, fx, row, column, ring, cos2, out var bound))
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
                    top.ScanCell(grid, start + c);
                }
            }

            if (row + ring < rows)
            {
                var start = (row + ring) * columns;
                for (var c = c0; c <= c1; c++)
                {
                    top.ScanCell(grid, start + c);
                }
            }

            var r0 = Math.Max(0, row - ring + 1);
            var r1 = Math.Min(rows - 1, row + ring - 1);
            if (column - ring >= 0)
            {
                for (var r = r0; r <= r1; r++)
                {
                    top.ScanCell(grid, (r * columns) + column - ring);
                }
            }

            if (column + ring < columns)
            {
                for (var r = r0; r <= r1; r++)
                {
                    top.ScanCell(grid, (r * columns) + column + ring);
                }
            }
        }

        return top.Count;
    }
}
