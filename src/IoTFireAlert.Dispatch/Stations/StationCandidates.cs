using System.Runtime.CompilerServices;
using IoTFireAlert.Dispatch.Geo;

namespace IoTFireAlert.Dispatch.Stations;

/// <summary>
/// The running k best of one search, kept sorted in the caller's span by (ETA, slot). A candidate
/// whose squared chord clearly exceeds the k-th one's is dropped before any trigonometry.
/// </summary>
internal ref struct StationCandidates
{
    private const double ChordSlack = 1.0 + 1e-9;

    private readonly Span<StationHit> _results;
    private readonly Span<double> _chords;
    private readonly UnitVector _query;
    private readonly ResponseMeans _means;
    private readonly double _secondsPerMeter;
    private readonly byte _tiers;
    private readonly bool _availableOnly;
    private readonly UnitStatus[] _status;
    private readonly Station[] _stations;
    private readonly int _k;

    public StationCandidates(Span<StationHit> results, Span<double> chords, UnitVector query, ResponseMeans means, double secondsPerMeter, byte tiers, bool availableOnly, UnitStatus[] status, Station[] stations)
    {
        _results = results;
        _chords = chords;
        _query = query;
        _means = means;
        _secondsPerMeter = secondsPerMeter;
        _tiers = tiers;
        _availableOnly = availableOnly;
        _status = status;
        _stations = stations;
        _k = results.Length;
        Count = 0;
    }

    public int Count { get; private set; }

    public readonly bool IsFull => Count == _k;

    public readonly double WorstChord => _chords[_k - 1];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ScanCell(MeansGrid grid, int cell)
    {
        var end = grid.CellStart[cell + 1];
        var xs = grid.X;
        var ys = grid.Y;
        var zs = grid.Z;
        for (var e = grid.CellStart[cell]; e < end; e++)
        {
            if ((grid.TierBit[e] & _tiers) == 0)
            {
                continue;
            }

            var slot = grid.Slot[e];
            if (_availableOnly && _status[slot] != UnitStatus.Available)
            {
                continue;
            }

            var dx = xs[e] - _query.X;
            var dy = ys[e] - _query.Y;
            var dz = zs[e] - _query.Z;
            var c2 = (dx * dx) + (dy * dy) + (dz * dz);
            if (Count == _k && c2 > _chords[_k - 1] * ChordSlack)
            {
                continue;
            }

            Offer(slot, c2);
        }
    }

    private void Offer(int slot, double c2)
    {
        var meters = GreatCircle.MetersFromChordSquared(c2);
        var eta = meters * _secondsPerMeter;
        var at = Count;
        while (at > 0 && (eta < _results[at - 1].EtaSeconds || (eta == _results[at - 1].EtaSeconds && slot < _results[at - 1].Slot)))
        {
            at--;
        }

        if (at >= _k)
        {
            return;
        }

        var last = Count == _k ? _k - 1 : Count;
        for (var i = last; i > at; i--)
        {
            _results[i] = _results[i - 1];
            _chords[i] = _chords[i - 1];
        }

        _results[at] = new StationHit(slot, _stations[slot].Id, _means, meters, eta);
        _chords[at] = c2;
        if (Count < _k)
        {
            Count++;
        }
    }
}
