using IoTFireAlert.Dispatch.Geo;

namespace IoTFireAlert.Dispatch.Fleet;

public sealed partial class FleetIndex
{
    /// <summary>The running k best of one fleet search, sorted by (ETA, id ordinal) in the caller's span.</summary>
    private ref struct VehicleCandidates
    {
        private readonly Span<VehicleHit> _results;
        private readonly Span<double> _chords;
        private readonly UnitVector _query;
        private readonly double _secondsPerMeter;
        private readonly bool _availableOnly;
        private readonly FleetIndex _fleet;
        private readonly int _k;

        public VehicleCandidates(Span<VehicleHit> results, Span<double> chords, UnitVector query, double secondsPerMeter, bool availableOnly, FleetIndex fleet)
        {
            _results = results;
            _chords = chords;
            _query = query;
            _secondsPerMeter = secondsPerMeter;
            _availableOnly = availableOnly;
            _fleet = fleet;
            _k = results.Length;
            Count = 0;
        }

        public int Count { get; private set; }

        public readonly bool IsFull => Count == _k;

        public readonly double WorstChord => _chords[_k - 1];

        public void ScanList(int first)
        {
            var f = _fleet;
            for (var slot = first; slot != None; slot = f._next[slot])
            {
                if (_availableOnly && f._status[slot] != VehicleStatus.Available)
                {
                    continue;
                }

                var dx = f._x[slot] - _query.X;
                var dy = f._y[slot] - _query.Y;
                var dz = f._z[slot] - _query.Z;
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
            var id = _fleet._ids[slot];
            var at = Count;
            while (at > 0 && (eta < _results[at - 1].EtaSeconds
                || (eta == _results[at - 1].EtaSeconds && string.CompareOrdinal(id, _results[at - 1].VehicleId) < 0)))
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

            _results[at] = new VehicleHit(slot, id, meters, eta);
            _chords[at] = c2;
            if (Count < _k)
            {
                Count++;
            }
        }
    }
}
