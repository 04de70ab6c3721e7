namespace IoTFireAlert.Dispatch.Geo;

/// <summary>
/// A regular latitude/longitude grid searched in square rings around the query's cell. A ring's lower
/// bound on the squared chord comes from the haversine identity
/// c² = 4 sin²(Δφ/2) + 4 cos φ1 cos φ2 sin²(Δλ/2): the rows above and below are at least their
/// latitude gap away, the columns left and right at least their longitude gap at the highest
/// latitude involved. Bounds only grow with the ring, so a search stops at the first ring whose
/// bound exceeds its current k-th candidate. Regional grids only: a span over 180° of longitude
/// collapses to one column, which keeps the bound valid (latitude only) at the cost of pruning.
/// </summary>
internal readonly struct GridGeometry
{
    /// <summary>Slack in cell units so that rounding when a point is bucketed never breaks a bound.</summary>
    private const double MarginCells = 1e-6;

    private const double DegreesToRadians = Math.PI / 180.0;

    private readonly double _halfCellLatRad;
    private readonly double _halfCellLonRad;

    public GridGeometry(double minLat, double minLon, double cellLatDeg, double cellLonDeg, int rows, int columns)
    {
        MinLat = minLat;
        MinLon = minLon;
        CellLatDeg = cellLatDeg;
        CellLonDeg = cellLonDeg;
        Rows = rows;
        Columns = columns;
        MaxLat = minLat + (rows * cellLatDeg);
        MaxLon = minLon + (columns * cellLonDeg);
        MaxAbsLat = Math.Min(90.0, Math.Max(Math.Abs(minLat), Math.Abs(MaxLat)));
        _halfCellLatRad = cellLatDeg * DegreesToRadians * 0.5;
        _halfCellLonRad = cellLonDeg * DegreesToRadians * 0.5;
    }

    public double MinLat { get; }

    public double MinLon { get; }

    public double MaxLat { get; }

    public double MaxLon { get; }

    public double CellLatDeg { get; }

    public double CellLonDeg { get; }

    public int Rows { get; }

    public int Columns { get; }

    public int CellCount => Rows * Columns;

    public int MaxRing => Math.Max(Rows, Columns);

    public double MaxAbsLat { get; }

    /// <summary>A grid over the box with about <paramref name="targetCells"/> roughly square cells.</summary>
    public static GridGeometry Covering(double minLat, double maxLat, double minLon, double maxLon, int targetCells)
    {
        // A hair of padding keeps the points on the max edges inside the last row/column.
        const double Pad = 1e-7;
        minLat = Math.Max(-90.0, minLat - Pad);
        maxLat = Math.Min(90.0, maxLat + Pad);
        minLon = Math.Max(-180.0, minLon - Pad);
        maxLon = Math.Min(180.0, maxLon + Pad);
        var latSpan = maxLat - minLat;
        var lonSpan = maxLon - minLon;
        targetCells = Math.Clamp(targetCells, 1, 1 << 22);
        int rows;
        int columns;
        if (lonSpan > 180.0)
        {
            columns = 1;
            rows = Math.Clamp(targetCells, 1, 4096);
        }
        else
        {
            var midCos = Math.Max(0.01, Math.Cos((minLat + maxLat) * 0.5 * DegreesToRadians));
            var heightUnits = latSpan;
            var widthUnits = lonSpan * midCos;
            var cellSide = Math.Sqrt(heightUnits * widthUnits / targetCells);
            rows = Math.Clamp((int)Math.Ceiling(heightUnits / cellSide), 1, 4096);
            columns = Math.Clamp((int)Math.Ceiling(widthUnits / cellSide), 1, 4096);
        }

        return new GridGeometry(minLat, minLon, latSpan / rows, lonSpan / columns, rows, columns);
    }

    /// <summary>A grid over the box with cells of about <paramref name="cellMeters"/> on a side.</summary>
    public static GridGeometry WithCellSize(double minLat, double maxLat, double minLon, double maxLon, double cellMeters)
    {
        var cellLat = cellMeters / (GreatCircle.EarthRadiusMeters * DegreesToRadians);
        var midCos = Math.Max(0.01, Math.Cos((minLat + maxLat) * 0.5 * DegreesToRadians));
        var cellLon = cellLat / midCos;
        var rows = Math.Clamp((int)Math.Ceiling((maxLat - minLat) / cellLat), 1, 4096);
        var columns = (maxLon - minLon) > 180.0 ? 1 : Math.Clamp((int)Math.Ceiling((maxLon - minLon) / cellLon), 1, 4096);
        return new GridGeometry(minLat, minLon, (maxLat - minLat) / rows, (maxLon - minLon) / columns, rows, columns);
    }

    public bool Contains(double lat, double lon) => lat >= MinLat && lat < MaxLat && lon >= MinLon && lon < MaxLon;

    /// <summary>The query's position in cell units and its (clamped) cell.</summary>
    public void Locate(double lat, double lon, out double fy, out double fx, out int row, out int column)
    {
        fy = (lat - MinLat) / CellLatDeg;
        fx = (lon - MinLon) / CellLonDeg;
        row = fy <= 0 ? 0 : fy >= Rows - 1 ? Rows - 1 : (int)fy;
        column = fx <= 0 ? 0 : fx >= Columns - 1 ? Columns - 1 : (int)fx;
    }

    public int CellOf(double lat, double lon)
    {
        Locate(lat, lon, out _, out _, out var row, out var column);
        return (row * Columns) + column;
    }

    /// <summary>
    /// cos² of the highest latitude a pair (query, grid point) can have, or 0 when the query is so far
    /// in longitude that the difference to some grid point wraps past 180°: then columns give no bound.
    /// </summary>
    public double LongitudeBoundFactor(double queryLat, double queryLon)
    {
        if (queryLon < MaxLon - 180.0 || queryLon > MinLon + 180.0)
        {
            return 0.0;
        }

        var phi = Math.Max(Math.Abs(queryLat), MaxAbsLat) * DegreesToRadians;
        var c = Math.Cos(phi);
        return c * c;
    }

    /// <summary>Lower bound of the squared chord from the query to any point in ring <paramref name="ring"/> (>= 1).</summary>
    /// <remarks><paramref name="cos2MaxLat"/> comes from <see cref="LongitudeBoundFactor"/>.</remarks>
    /// <returns>False when the ring has no cell inside the grid (and neither has any larger ring).</returns>
    public bool RingLowerBound(double fy, double fx, int row, int column, int ring, double cos2MaxLat, out double bound)
    {
        var any = false;
        var rowGap = double.MaxValue;
        var columnGap = double.MaxValue;
        if (row - ring >= 0)
        {
            any = true;
            rowGap = Math.Min(rowGap, fy - (row - ring + 1));
        }

        if (row + ring < Rows)
        {
            any = true;
            rowGap = Math.Min(rowGap, (row + ring) - fy);
        }

        if (column - ring >= 0)
        {
            any = true;
            columnGap = Math.Min(columnGap, fx - (column - ring + 1));
        }

        if (column + ring < Columns)
        {
            any = true;
            columnGap = Math.Min(columnGap, (column + ring) - fx);
        }

        var rowBound = double.MaxValue;
        if (rowGap != double.MaxValue)
        {
            var s = Math.Sin(Math.Max(0.0, rowGap - MarginCells) * _halfCellLatRad);
            rowBound = 4.0 * s * s;
        }

        var columnBound = double.MaxValue;
        if (columnGap != double.MaxValue)
        {
            var s = Math.Sin(Math.Max(0.0, columnGap - MarginCells) * _halfCellLonRad);
            columnBound = 4.0 * cos2MaxLat * s * s;
        }

        bound = Math.Min(rowBound, columnBound);
        return any;
    }
}
