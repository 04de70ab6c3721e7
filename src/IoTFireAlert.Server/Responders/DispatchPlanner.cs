using System.Globalization;
using System.Text.Json;
using IoTFireAlert.Dispatch.Geo;
using IoTFireAlert.Dispatch.Policy;
using IoTFireAlert.Server.Alarms;
using IoTFireAlert.Server.Devices;

namespace IoTFireAlert.Server.Responders;

/// <summary>
/// Chooses the responders of a new alarm by estimated time of arrival (config/dispatch.json), inside
/// the alarm's transaction: the decision, its timeline lines and its pushes commit with the alarm,
/// so a crash can lose none of them. The in-memory indexes make this a few microseconds.
/// </summary>
public sealed class DispatchPlanner(DispatchPolicy policy, StationRegistry stations, FleetTracker fleet, ResponderPush push, CallAndAnswer callAndAnswer, TimeProvider clock) : IAlarmDispatchPlanner
{
    public DispatchDecision? Plan(AlarmRecord alarm, DeviceRecord device)
    {
        if (device.Lat is not { } lat || device.Lon is not { } lon)
        {
            return policy.Match(alarm.Type, alarm.Severity, device.Kind) is null ? null
                : new DispatchDecision("{\"responders\":[],\"shortfalls\":[\"the device has no location\"]}", ["no dispatch: the device has no latitude/longitude in the registry"], []);
        }

        var plan = new Dispatcher(policy, stations.Finder, fleet.Index).Plan(alarm.Type, alarm.Severity, new GeoPoint(lat, lon), device.Kind);
        if (plan.IsEmpty && plan.Shortfalls.Count == 0)
        {
            return null;
        }

        var deadline = clock.GetUtcNow() + policy.Acknowledgement.Deadline;
        var messages = new List<OutboxMessage>();
        var lines = new List<string>();
        foreach (var responder in plan.Responders)
        {
            messages.AddRange(push.For(alarm, device, responder, "dispatched", deadline, "dispatch"));
            lines.Add($"{responder.Role.ToString().ToLowerInvariant()}: {responder.Name} ({responder.Id}, {responder.Means}), {responder.DistanceMeters / 1000:F1} km, ETA {FormatEta(responder.EtaSeconds)}");
        }

        lines.AddRange(plan.Shortfalls.Select(s => $"shortfall: {s}"));
        var json = JsonSerializer.Serialize(new
        {
            rule = plan.RuleName,
            decidedAt = clock.GetUtcNow().ToUnixTimeMilliseconds(),
            ackDeadline = deadline.ToUnixTimeMilliseconds(),
            responders = plan.Responders.Select(r => Locate(r, deadline)),
            reserves = plan.Reserves.Select(ResponderPush.Describe),
            shortfalls = plan.Shortfalls,
        }, AlarmJson.Options);
        if (!plan.IsEmpty)
        {
            callAndAnswer.Dispatched(alarm, device, plan);
        }

        return new DispatchDecision(json, lines, messages);
    }

    private object Locate(DispatchResponder r, DateTimeOffset deadline)
    {
        double? lat = null, lon = null;
        string? tier = null;
        if (r.Kind == ResponderKind.Station && stations.Finder.TryGetSlot(r.Id, out var slot))
        {
            var station = stations.Finder[slot];
            (lat, lon, tier) = (station.Latitude, station.Longitude, station.Tier.ToString());
        }
        else if (r.Kind == ResponderKind.RepairVehicle && fleet.Index.TryGetSlot(r.Id, out var vehicleSlot))
        {
            var vehicle = fleet.Index.Snapshot(vehicleSlot);
            (lat, lon, tier) = (vehicle.Latitude, vehicle.Longitude, "repair_vehicle");
        }

        return new
        {
            kind = r.Kind == ResponderKind.Station ? "station" : "vehicle",
            id = r.Id,
            name = r.Name,
            tier = tier is null ? null : JsonNamingPolicy.SnakeCaseLower.ConvertName(tier),
            means = JsonNamingPolicy.SnakeCaseLower.ConvertName(r.Means.ToString()),
            role = r.Role.ToString().ToLowerInvariant(),
            distanceM = Math.Round(r.DistanceMeters),
            etaSeconds = Math.Round(r.EtaSeconds),
            lat,
            lon,
            ackDeadline = deadline.ToUnixTimeMilliseconds(),
        };
    }

    private static string FormatEta(double seconds) =>
        seconds < 90 ? $"{seconds.ToString("F0", CultureInfo.InvariantCulture)} s" : $"{(seconds / 60).ToString("F1", CultureInfo.InvariantCulture)} min";
}
