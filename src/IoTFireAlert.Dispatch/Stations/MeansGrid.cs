using IoTFireAlert.Dispatch.Geo;

namespace IoTFireAlert.Dispatch.Stations;

/// <summary>
/// The stations keeping one means, bucketed by grid cell in one flat (CSR) layout: entries of a cell
/// are contiguous, so a ring scan walks memory in order.
/// </summary>
internal sealed class MeansGrid
{
    public MeansGrid(GridGeometry geometry, int[] cellStart, double[] x, double[] y, double[] z, int[] slot, byte[] tierBit)
    {
        Geometry = geometry;
        CellStart = cellStart;
        X = x;
        Y = y;
        Z = z;
        Slot = slot;
        TierBit = tierBit;
    }

    public GridGeometry Geometry { get; }

    public int[] CellStart { get; }

    public double[] X { get; }

    public double[] Y { get; }

    public double[] Z { get; }

    public int[] Slot { get; }

    public byte[] TierBit { get; }

    public static MeansGrid? Build(IReadOnlyList<Station> stations, IReadOnlyList<UnitVector> vectors, ResponseMeans means)
    {
        var members = new List<int>();
        double minLat = double.MaxValue, maxLat = double.MinValue, minLon = double.MaxValue, maxLon = double.MinValue;
        for (var i = 0; i < stations.Count; i++)
        {
            var s = stations[i];
            if (!s.Has(means))
            {
                continue;
            }

            members.Add(i);
            minLat = Math.Min(minLat, s.Latitude);
            maxLat = Math.Max(maxLat, s.Latitude);
            minLon = Math.Min(minLon, s.Longitude);
            maxLon = Math.Max(maxLon, s.Longitude);
        }

        if (members.Count == 0)
        {
            return null;
        }

        // About two stations per cell: a k=3 query then touches a few dozen candidates.
        var geometry = GridGeometry.Covering(minLat, maxLat, minLon, maxLon, Math.Max(1, members.Count / 2));
        var cellOf = new int[members.Count];
        var cellStart = new int[geometry.CellCount + 1];
        for (var m = 0; m < members.Count; m++)
        {
            var s = stations[members[m]];
            cellOf[m] = geometry.CellOf(s.Latitude, s.Longitude);
            cellStart[cellOf[m] + 1]++;
        }

        for (var c = 0; c < geometry.CellCount; c++)
        {
            cellStart[c + 1] += cellStart[c];
        }

        var fill = (int[])cellStart.Clone();
        var n = members.Count;
        var x = new double[n];
        var y = new double[n];
        var z = new double[n];
        var slot = new int[n];
        var tierBit = new byte[n];

        // Members are visited in slot order, so each cell keeps ascending slots (= ascending ids).
        for (var m = 0; m < n; m++)
        {
            var at = fill[cellOf[m]]++;
            var v = vectors[members[m]];
            x[at] = v.X;
            y[at] = v.Y;
            z[at] = v.Z;
            slot[at] = members[m];
            tierBit[at] = (byte)(1 << ((int)stations[members[m]].Tier - 1));
        }

        return new MeansGrid(geometry, cellStart, x, y, z, slot, tierBit);
    }
}
