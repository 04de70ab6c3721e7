using IoTFireAlert.Ingestion.Readings;
using IoTFireAlert.Simulator.Devices;

namespace IoTFireAlert.Simulator.Scenarios;

/// <summary>
/// Picks the devices for each scenario's roles from the devices file, so a scenario works with
/// config/devices.sample.csv and with generated cities alike. Every scenario of a run gets sites of
/// its own: the server correlates a smoke alarm and an electrical alarm at one site into a fire,
/// which would add an alarm no single scenario expects. The cast depends on the seed: --seed 1 takes
/// the first fitting site and devices, seed n skips n - 1 of them, so a second run against the same
/// server (which still holds the first run's alarms) can play at other sites.
/// </summary>
public sealed class ScenarioCasting
{
    private readonly IReadOnlyList<SimulatedDevice> _devices;
    private readonly Random _random;
    private readonly int _rotation;
    private readonly HashSet<string> _usedSites = new(StringComparer.Ordinal);
    private readonly HashSet<string> _usedDevices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<SimulatedDevice>> _bySite;

    public ScenarioCasting(IReadOnlyList<SimulatedDevice> devices, int seed)
    {
        _devices = devices;
        _random = new Random(seed);
        _rotation = Math.Max(0, seed - 1);
        _bySite = new Dictionary<string, List<SimulatedDevice>>(StringComparer.Ordinal);
        foreach (var device in devices)
        {
            if (device.Site is { } site)
            {
                if (!_bySite.TryGetValue(site, out var list))
                {
                    _bySite[site] = list = [];
                }

                list.Add(device);
            }
        }
    }

    public ScenarioCast Cast(ScenarioDefinition scenario)
    {
        string? site = null;
        if (scenario.Site is { } choice)
        {
            site = ChooseSite(scenario.Name, choice);
            _usedSites.Add(site);
        }

        var roles = new Dictionary<string, IReadOnlyList<SimulatedDevice>>(StringComparer.Ordinal);
        foreach (var (name, role) in scenario.Roles)
        {
            if (!DeviceKindNames.TryParse(role.Kind, out var kind))
            {
                throw new FormatException($"scenario {scenario.Name}: role '{name}' has unknown kind '{role.Kind}'");
            }

            var candidates = role.AtSite && site is not null
                ? _bySite[site].Where(d => d.Kind == kind && !_usedDevices.Contains(d.Id))
                : _devices.Where(d => d.Kind == kind && !_usedDevices.Contains(d.Id) && (d.Site is null || !_usedSites.Contains(d.Site)));
            // The preferred vendor first, file order otherwise: the same cast on every run of a file.
            var ordered = candidates.OrderBy(d => role.Vendor is null || d.Vendor == role.Vendor ? 0 : 1).ToList();
            if (!role.AtSite && ordered.Count > 0 && _rotation > 0)
            {
                // Another seed starts count x (seed - 1) sites further down the file.
                var sites = ordered.Select(d => d.Site ?? d.Id).Distinct(StringComparer.Ordinal).ToList();
                var skip = (int)((long)_rotation * Math.Max(1, role.Count) % sites.Count);
                var rank = sites.Select((site, i) => (site, rank: (i - skip + sites.Count) % sites.Count)).ToDictionary(x => x.site, x => x.rank, StringComparer.Ordinal);
                ordered = [.. ordered.OrderBy(d => role.Vendor is null || d.Vendor == role.Vendor ? 0 : 1).ThenBy(d => rank[d.Site ?? d.Id])];
            }

            var picked = new List<SimulatedDevice>();
            var sitesOfRole = new HashSet<string>(StringComparer.Ordinal);
            foreach (var device in ordered)
            {
                if (role.Count > 0 && picked.Count == role.Count)
                {
                    break;
                }

                if (!role.AtSite && device.Site is { } own && (_usedSites.Contains(own) || !sitesOfRole.Add(own)))
                {
                    continue;
                }

                picked.Add(device);
            }

            if (picked.Count == 0)
            {
                throw new InvalidOperationException($"scenario {scenario.Name}: no {role.Kind} left for role '{name}'{(site is null ? "" : $" at site {site}")} in the devices file");
            }

            foreach (var device in picked)
            {
                _usedDevices.Add(device.Id);
            }

            _usedSites.UnionWith(sitesOfRole);
            roles[name] = picked;
        }

        return new ScenarioCast(site, roles);
    }

    private string ChooseSite(string scenario, SiteChoice choice)
    {
        var needs = choice.With.Select(w => (Kind: DeviceKindNames.TryParse(w.Key, out var k) ? k : throw new FormatException($"scenario {scenario}: unknown kind '{w.Key}' under site.with"), Count: w.Value)).ToList();
        var fitting = _bySite
            .Where(s => !_usedSites.Contains(s.Key))
            .Where(s => needs.All(n => s.Value.Count(d => d.Kind == n.Kind && !_usedDevices.Contains(d.Id)) >= n.Count))
            .Select(s => s.Key)
            .ToList();
        if (fitting.Count == 0)
        {
            throw new InvalidOperationException($"scenario {scenario}: no free site has {string.Join(", ", needs.Select(n => $"{n.Count} x {DeviceKindNames.ToSnakeCase(n.Kind)}"))}");
        }

        return choice.Choose switch
        {
            "most" when needs.Count > 0 => fitting.OrderByDescending(s => _bySite[s].Count(d => d.Kind == needs[0].Kind)).ElementAt(_rotation % fitting.Count),
            "random" => fitting[_random.Next(fitting.Count)],
            "first" or "most" => fitting[_rotation % fitting.Count],
            var other => throw new FormatException($"scenario {scenario}: site.choose must be first, most or random, not '{other}'"),
        };
    }
}
