using System.Text.Json;
using System.Text.Json.Serialization;
using IoTFireAlert.Dispatch.Geo;
using IoTFireAlert.Dispatch.Stations;
using IoTFireAlert.Ingestion.Alarms;
using IoTFireAlert.Ingestion.Readings;

namespace IoTFireAlert.Dispatch.Policy;

/// <summary>
/// Dispatch configuration (<c>config/dispatch.json</c>): travel speeds, the rules mapping alarm
/// type/severity to responders (first match wins), acknowledgement timing and fleet-position limits.
/// Parsing validates everything and names the offending field, so a bad file stops start-up.
/// </summary>
public sealed record DispatchPolicy(
    TravelModel Travel,
    IReadOnlyList<DispatchRule> Rules,
    AcknowledgementOptions Acknowledgement,
    FleetPositionLimits FleetPositions)
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(allowIntegerValues: false) },
    };

    /// <summary>The first rule matching the alarm, or null (no dispatch).</summary>
    public DispatchRule? Match(AlarmType type, Severity severity, DeviceKind deviceKind = DeviceKind.Unknown)
    {
        foreach (var rule in Rules)
        {
            if (rule.Matches(type, severity, deviceKind))
            {
                return rule;
            }
        }

        return null;
    }

    public static DispatchPolicy Load(string path) => Parse(File.ReadAllText(path), path);

    /// <exception cref="InvalidDataException">The JSON is malformed or a value is invalid; the message says which.</exception>
    public static DispatchPolicy Parse(string json, string source = "dispatch policy")
    {
        PolicyFile? file;
        try
        {
            file = JsonSerializer.Deserialize<PolicyFile>(json, JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{source}: {ex.Message}", ex);
        }

        if (file is null)
        {
            throw new InvalidDataException($"{source}: empty document");
        }

        try
        {
            return Build(file);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"{source}: {ex.Message}", ex);
        }
    }

    private static DispatchPolicy Build(PolicyFile file)
    {
        var travelFile = file.Travel ?? throw new ArgumentException("'travel' is missing");
        var travel = new TravelModel(travelFile.SpeedsKmh ?? [], travelFile.RoadFactor, travelFile.WaterFactor);
        var rules = new List<DispatchRule>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (file.Rules?.Count ?? 0); i++)
        {
            var r = file.Rules![i];
            var where = $"rules[{i}]";
            if (string.IsNullOrWhiteSpace(r.Name) || !names.Add(r.Name))
            {
                throw new ArgumentException($"{where}: 'name' must be present and unique");
            }

            where = $"rule '{r.Name}'";
            if (r.AlarmTypes is null || r.AlarmTypes.Count == 0)
            {
                throw new ArgumentException($"{where}: 'alarmTypes' must list at least one alarm type");
            }

            if (r.Responders is null || r.Responders.Count == 0)
            {
                throw new ArgumentException($"{where}: 'responders' must list at least one responder");
            }

            var requests = new List<ResponderRequest>();
            for (var j = 0; j < r.Responders.Count; j++)
            {
                requests.Add(BuildRequest(r.Responders[j], $"{where} responders[{j}]"));
            }

            rules.Add(new DispatchRule(
                r.Name,
                r.AlarmTypes.ToHashSet(),
                r.MinSeverity ?? Severity.Major,
                (r.DeviceKinds ?? []).ToHashSet(),
                requests));
        }

        var ack = file.Acknowledgement ?? new AckFile();
        if (!(ack.DeadlineSeconds > 0) || !(ack.ReminderSeconds > 0))
        {
            throw new ArgumentException("'acknowledgement': deadlineSeconds and reminderSeconds must be positive");
        }

        var fleet = file.FleetPositions ?? new FleetFile();
        if (!(fleet.MaxAgeSeconds > 0) || !(fleet.MaxFutureSeconds >= 0))
        {
            throw new ArgumentException("'fleetPositions': maxAgeSeconds must be positive and maxFutureSeconds not negative");
        }

        return new DispatchPolicy(
            travel,
            rules,
            new AcknowledgementOptions(TimeSpan.FromSeconds(ack.DeadlineSeconds), TimeSpan.FromSeconds(ack.ReminderSeconds)),
            new FleetPositionLimits(TimeSpan.FromSeconds(fleet.MaxAgeSeconds), TimeSpan.FromSeconds(fleet.MaxFutureSeconds)));
    }

    private static ResponderRequest BuildRequest(RequestFile q, string where)
    {
        var kind = q.Kind ?? throw new ArgumentException($"{where}: 'kind' is missing (Station or RepairVehicle)");
        if (q.Count < 1 || q.Reserves < 0)
        {
            throw new ArgumentException($"{where}: 'count' must be >= 1 and 'reserves' >= 0");
        }

        var tiers = StationTiers.None;
        foreach (var t in q.Tiers ?? [])
        {
            tiers |= (StationTiers)(1 << ((int)t - 1));
        }

        IReadOnlyList<ResponseMeans> means;
        if (kind == ResponderKind.RepairVehicle)
        {
            means = [ResponseMeans.RepairVan];
        }
        else
        {
            if (tiers == StationTiers.None)
            {
                throw new ArgumentException($"{where}: a Station responder needs 'tiers'");
            }

            if (q.Means is null || q.Means.Count == 0 || q.Means.Contains(ResponseMeans.RepairVan))
            {
                throw new ArgumentException($"{where}: a Station responder needs 'means' (not RepairVan)");
            }

            means = q.Means;
        }

        return new ResponderRequest(kind, tiers, means, q.Count, q.Reserves, q.Role ?? ResponderRole.Primary);
    }

    private sealed class PolicyFile
    {
        public TravelFile? Travel { get; set; }

        public List<RuleFile>? Rules { get; set; }

        public AckFile? Acknowledgement { get; set; }

        public FleetFile? FleetPositions { get; set; }
    }

    private sealed class TravelFile
    {
        public double RoadFactor { get; set; } = 1.3;

        public double WaterFactor { get; set; } = 1.2;

        public Dictionary<ResponseMeans, double>? SpeedsKmh { get; set; }
    }

    private sealed class RuleFile
    {
        public string? Name { get; set; }

        public string? Comment { get; set; }

        public List<AlarmType>? AlarmTypes { get; set; }

        public Severity? MinSeverity { get; set; }

        public List<DeviceKind>? DeviceKinds { get; set; }

        public List<RequestFile>? Responders { get; set; }
    }

    private sealed class RequestFile
    {
        public ResponderKind? Kind { get; set; }

        public List<StationTier>? Tiers { get; set; }

        public List<ResponseMeans>? Means { get; set; }

        public int Count { get; set; } = 1;

        public int Reserves { get; set; } = 2;

        public ResponderRole? Role { get; set; }
    }

    private sealed class AckFile
    {
        public double DeadlineSeconds { get; set; } = 60;

        public double ReminderSeconds { get; set; } = 20;
    }

    private sealed class FleetFile
    {
        public double MaxAgeSeconds { get; set; } = 300;

        public double MaxFutureSeconds { get; set; } = 30;
    }
}
