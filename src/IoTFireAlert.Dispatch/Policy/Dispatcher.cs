using IoTFireAlert.Dispatch.Fleet;
using IoTFireAlert.Dispatch.Geo;
using IoTFireAlert.Dispatch.Stations;
using IoTFireAlert.Ingestion.Alarms;
using IoTFireAlert.Ingestion.Readings;

namespace IoTFireAlert.Dispatch.Policy;

/// <summary>
/// Turns an alarm into a <see cref="DispatchPlan"/>: the policy picks the rule, the indexes pick the
/// nearest available responders by ETA. A station already chosen for an earlier line of the same rule
/// is not chosen again. Status is not changed here: the server commits responders once it has
/// written the plan. Single owner, like the indexes it reads.
/// </summary>
public sealed class Dispatcher
{
    private readonly DispatchPolicy _policy;
    private readonly NearestStationFinder _stations;
    private readonly FleetIndex _fleet;

    public Dispatcher(DispatchPolicy policy, NearestStationFinder stations, FleetIndex fleet)
    {
        _policy = policy ?? throw new ArgumentNullException(nameof(policy));
        _stations = stations ?? throw new ArgumentNullException(nameof(stations));
        _fleet = fleet ?? throw new ArgumentNullException(nameof(fleet));
    }

    public DispatchPlan Plan(AlarmType type, Severity severity, GeoPoint location, DeviceKind deviceKind = DeviceKind.Unknown)
    {
        var rule = _policy.Match(type, severity, deviceKind);
        if (rule is null)
        {
            return DispatchPlan.None;
        }

        var responders = new List<DispatchResponder>();
        var reserves = new List<DispatchResponder>();
        var shortfalls = new List<string>();
        var chosen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < rule.Responders.Count; i++)
        {
            var request = rule.Responders[i];
            var ranked = request.Kind == ResponderKind.Station
                ? RankStations(request, i, location, chosen)
                : RankVehicles(request, i, location, chosen);
            var taken = Math.Min(request.Count, ranked.Count);
            responders.AddRange(ranked.Take(taken));
            reserves.AddRange(ranked.Skip(taken).Take(request.Reserves));
            foreach (var r in ranked.Take(taken + request.Reserves))
            {
                chosen.Add(r.Id);
            }

            if (taken < request.Count)
            {
                var what = request.Kind == ResponderKind.Station ? $"{request.Tiers} with {string.Join('/', request.Means)}" : "repair vehicle";
                shortfalls.Add($"{rule.Name} line {i + 1}: found {taken} of {request.Count} available {what}");
            }
        }

        return new DispatchPlan(rule.Name, responders, reserves, shortfalls);
    }

    private List<DispatchResponder> RankStations(ResponderRequest request, int index, GeoPoint location, HashSet<string> chosen)
    {
        var want = request.Count + request.Reserves + chosen.Count;
        var hits = new StationHit[want];
        var best = new Dictionary<int, StationHit>();
        foreach (var means in request.Means)
        {
            var n = _stations.FindNearest(location, means, request.Tiers, hits);
            for (var h = 0; h < n; h++)
            {
                var hit = hits[h];
                if (!best.TryGetValue(hit.Slot, out var known) || hit.EtaSeconds < known.EtaSeconds)
                {
                    best[hit.Slot] = hit;
                }
            }
        }

        return best.Values
            .Where(h => !chosen.Contains(h.StationId))
            .OrderBy(h => h.EtaSeconds)
            .ThenBy(h => h.StationId, StringComparer.Ordinal)
            .Select(h => new DispatchResponder(ResponderKind.Station, h.StationId, _stations[h.Slot].Name, h.Means, h.DistanceMeters, h.EtaSeconds, request.Role, index))
            .ToList();
    }

    private List<DispatchResponder> RankVehicles(ResponderRequest request, int index, GeoPoint location, HashSet<string> chosen)
    {
        var hits = new VehicleHit[request.Count + request.Reserves + chosen.Count];
        var n = _fleet.FindNearest(location, hits);
        var list = new List<DispatchResponder>(n);
        for (var h = 0; h < n; h++)
        {
            var hit = hits[h];
            if (!chosen.Contains(hit.VehicleId))
            {
                list.Add(new DispatchResponder(ResponderKind.RepairVehicle, hit.VehicleId, _fleet.Snapshot(hit.Slot).Name, ResponseMeans.RepairVan, hit.DistanceMeters, hit.EtaSeconds, request.Role, index));
            }
        }

        return list;
    }
}
