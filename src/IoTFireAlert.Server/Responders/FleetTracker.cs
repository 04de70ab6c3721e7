using System.Collections.Concurrent;
using System.Threading.Channels;
using IoTFireAlert.Dispatch.Fleet;
using IoTFireAlert.Dispatch.Geo;
using IoTFireAlert.Dispatch.Import;
using IoTFireAlert.Server.Metrics;
using IoTFireAlert.Telemetry;
using TelemetryPosition = IoTFireAlert.Telemetry.Points.FleetPosition;

namespace IoTFireAlert.Server.Responders;

/// <summary>
/// The power-repair fleet: registered vehicles, their live positions in the <see cref="FleetIndex"/>,
/// a recent trajectory per vehicle for the console, and every fix stored as a time series.
/// Positions arrive from MQTT, OsmAnd and Traccar on many threads; they are funnelled through one
/// bounded channel to one task, the index's only writer.
/// </summary>
public sealed class FleetTracker : BackgroundService, IMetricsSource
{
    public const int TrajectoryPoints = 2000;

    private readonly Channel<FleetPosition> _updates = Channel.CreateBounded<FleetPosition>(new BoundedChannelOptions(65_536) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest });
    private readonly ConcurrentDictionary<string, Queue<TelemetryPosition>> _trajectories = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<FleetPositionError, long> _rejected = new();
    private readonly Alarms.AlarmEventHub _hub = new();
    private readonly ITelemetrySink _telemetry;
    private readonly ILogger<FleetTracker> _logger;
    private long _accepted;

    public FleetTracker(TravelModel travel, ITelemetrySink telemetry, ILogger<FleetTracker> logger)
    {
        Index = new FleetIndex(FleetRegion.Zhejiang, travel);
        _telemetry = telemetry;
        _logger = logger;
    }

    public FleetIndex Index { get; }

    /// <summary>Live positions for the console's SSE stream (same fan-out as alarms; slow listeners are cut off).</summary>
    public Alarms.AlarmEventHub Positions => _hub;

    public IReadOnlyList<RepairVehicle> Vehicles { get; private set; } = [];

    public void Load(string? file)
    {
        if (file is null)
        {
            return;
        }

        var result = VehicleImport.FromJson(File.ReadAllText(file));
        foreach (var error in result.Errors)
        {
            _logger.LogWarning("{File}: {Error}", file, error);
        }

        Register(result.Items);
    }

    public void Register(IEnumerable<RepairVehicle> vehicles)
    {
        foreach (var vehicle in vehicles)
        {
            if (!Index.TryGetSlot(vehicle.Id, out _))
            {
                Index.Register(vehicle);
            }
        }

        Vehicles = Snapshot();
    }

    public bool IsRegistered(string vehicleId) => Index.TryGetSlot(vehicleId, out _);

    /// <summary>Checks a parsed fix against the registry and queues it; returns the result to answer the sender with.</summary>
    public FleetPositionResult Submit(FleetPositionResult parsed)
    {
        if (parsed.IsValid && !IsRegistered(parsed.Position.VehicleId))
        {
            parsed = FleetPositionResult.Unknown(parsed.Position.VehicleId);
        }

        if (!parsed.IsValid)
        {
            _rejected.AddOrUpdate(parsed.Error, 1, static (_, n) => n + 1);
            return parsed;
        }

        _updates.Writer.TryWrite(parsed.Position);
        return parsed;
    }

    public IReadOnlyList<TelemetryPosition> Trajectory(string vehicleId, long fromMs, long toMs)
    {
        if (!_trajectories.TryGetValue(vehicleId, out var points))
        {
            return [];
        }

        lock (points)
        {
            return points.Where(p => p.TimestampUnixMs >= fromMs && p.TimestampUnixMs < toMs).ToList();
        }
    }

    public IReadOnlyList<RepairVehicle> Snapshot() =>
        Enumerable.Range(0, Index.Count).Select(Index.Snapshot).ToList();

    public void WriteMetrics(PrometheusWriter writer)
    {
        writer.Counter("iotfire_fleet_positions_total", "Vehicle positions accepted.", Interlocked.Read(ref _accepted));
        foreach (var (error, count) in _rejected)
        {
            writer.Counter("iotfire_fleet_positions_rejected_total", "Vehicle positions rejected, by reason.", count, ("reason", error.ToString()));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<TelemetryPosition>();
        var reader = _updates.Reader;
        var eventId = 0L;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < 1024 && reader.TryRead(out var fix))
                {
                    if (!Index.TryApply(fix))
                    {
                        continue;
                    }

                    Interlocked.Increment(ref _accepted);
                    var status = (fix.Status ?? (Index.TryGetSlot(fix.VehicleId, out var slot) ? Index.GetStatus(slot) : VehicleStatus.Available)).ToString().ToLowerInvariant();
                    var point = new TelemetryPosition(fix.VehicleId, fix.TimestampUnixMs, fix.Latitude, fix.Longitude, fix.SpeedKmh, fix.HeadingDegrees, status);
                    batch.Add(point);
                    var trajectory = _trajectories.GetOrAdd(fix.VehicleId, _ => new Queue<TelemetryPosition>());
                    lock (trajectory)
                    {
                        trajectory.Enqueue(point);
                        if (trajectory.Count > TrajectoryPoints)
                        {
                            trajectory.Dequeue();
                        }
                    }

                    _hub.Publish(new Alarms.AlarmEvent(++eventId, "position", System.Text.Json.JsonSerializer.Serialize(new
                    {
                        id = fix.VehicleId, lat = fix.Latitude, lon = fix.Longitude, speedKmh = fix.SpeedKmh, heading = fix.HeadingDegrees, status, t = fix.TimestampUnixMs,
                    })));
                }

                if (batch.Count > 0)
                {
                    await _telemetry.WritePositionsAsync(batch.ToArray(), stoppingToken);
                    Vehicles = Snapshot();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
