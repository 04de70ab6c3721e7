using System.Collections.Concurrent;
using System.Text.Json;
using IoTFireAlert.Ingestion.Alarms;
using IoTFireAlert.Ingestion.Readings;

namespace IoTFireAlert.Ingestion.Rules;

/// <summary>
/// The rules configuration (config/rules.json): layers of defaults, per device kind, per site
/// (for all kinds and per kind) and per device, resolved into a <see cref="RuleSet"/> once per
/// device at registration. Load validates everything up front and fails with the JSON path.
/// </summary>
public sealed class RuleBook
{
    private static readonly TimeSpan s_defaultHeartbeat = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan s_defaultGrace = TimeSpan.FromMinutes(1);

    private readonly RuleLayer _defaults;
    private readonly Dictionary<DeviceKind, RuleLayer> _kinds;
    private readonly Dictionary<string, (RuleLayer Common, Dictionary<DeviceKind, RuleLayer> Kinds)> _sites;
    private readonly Dictionary<string, RuleLayer> _devices;
    private readonly ConcurrentDictionary<(DeviceKind Kind, string Site), RuleSet> _shared = new();

    private RuleBook(
        RuleLayer defaults,
        Dictionary<DeviceKind, RuleLayer> kinds,
        Dictionary<string, (RuleLayer, Dictionary<DeviceKind, RuleLayer>)> sites,
        Dictionary<string, RuleLayer> devices)
    {
        _defaults = defaults;
        _kinds = kinds;
        _sites = sites;
        _devices = devices;
    }

    /// <summary>Parses and validates <paramref name="jsonText"/>; throws <see cref="RuleBookException"/> naming the offending path.</summary>
    public static RuleBook Load(string jsonText)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(jsonText, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new RuleBookException($"rules: not valid JSON: {ex.Message}", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            Expect(root, JsonValueKind.Object, "rules");
            var defaults = new RuleLayer();
            var kinds = new Dictionary<DeviceKind, RuleLayer>();
            var sites = new Dictionary<string, (RuleLayer, Dictionary<DeviceKind, RuleLayer>)>(StringComparer.Ordinal);
            var devices = new Dictionary<string, RuleLayer>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "defaults":
                        defaults = ParseLayer(property.Value, "defaults", allowKinds: false).Layer;
                        break;
                    case "kinds":
                        kinds = ParseKinds(property.Value, "kinds");
                        break;
                    case "sites":
                        Expect(property.Value, JsonValueKind.Object, "sites");
                        foreach (var site in property.Value.EnumerateObject())
                        {
                            var (layer, siteKinds) = ParseLayer(site.Value, $"sites.{site.Name}", allowKinds: true);
                            sites[site.Name] = (layer, siteKinds);
                        }

                        break;
                    case "devices":
                        Expect(property.Value, JsonValueKind.Object, "devices");
                        foreach (var device in property.Value.EnumerateObject())
                        {
                            devices[device.Name] = ParseLayer(device.Value, $"devices.{device.Name}", allowKinds: false).Layer;
                        }

                        break;
                    default:
                        if (!property.Name.StartsWith('$'))
                        {
                            throw new RuleBookException($"rules: unknown section \"{property.Name}\" (expected defaults, kinds, sites, devices)");
                        }

                        break;
                }
            }

            var book = new RuleBook(defaults, kinds, sites, devices);
            book.ValidateEveryCombination();
            return book;
        }
    }

    /// <summary>
    /// The rules for one device. Devices without their own overrides share one instance per kind
    /// and site, so this is cheap to call at registration; cache the result per device.
    /// </summary>
    public RuleSet Resolve(DeviceKind kind, string? siteId, string deviceId)
    {
        ArgumentNullException.ThrowIfNull(deviceId);
        if (_devices.ContainsKey(deviceId))
        {
            return Compile(kind, siteId, deviceId);
        }

        // A site without overrides of its own shares the kind's rule set: one compiled set per
        // site would be a copy per ten devices (about 250 B a device at 1,000,000 devices).
        var site = siteId is not null && _sites.ContainsKey(siteId) ? siteId : "";
        return _shared.GetOrAdd((kind, site), key => Compile(key.Kind, key.Site.Length == 0 ? null : key.Site, null));
    }

    private void ValidateEveryCombination()
    {
        var kinds = Enum.GetValues<DeviceKind>();
        foreach (var kind in kinds)
        {
            Compile(kind, null, null);
            foreach (var site in _sites.Keys)
            {
                Compile(kind, site, null);
            }

            foreach (var device in _devices.Keys)
            {
                Compile(kind, null, device);
            }
        }
    }

    private RuleSet Compile(DeviceKind kind, string? siteId, string? deviceId)
    {
        var layer = new RuleLayer();
        layer.Overlay(_defaults);
        layer.Overlay(_kinds.GetValueOrDefault(kind));
        if (siteId is not null && _sites.TryGetValue(siteId, out var site))
        {
            layer.Overlay(site.Common);
            layer.Overlay(site.Kinds.GetValueOrDefault(kind));
        }

        if (deviceId is not null)
        {
            layer.Overlay(_devices.GetValueOrDefault(deviceId));
        }

        var thresholds = new List<ThresholdRule>();
        foreach (var (alarm, draft) in layer.Thresholds)
        {
            if (draft.Enabled == false)
            {
                continue;
            }

            var signal = draft.Signal ?? throw Missing(draft.Path, "signal");
            var op = draft.Operator ?? throw Missing(draft.Path, "op");
            var threshold = draft.Threshold ?? throw Missing(draft.Path, "threshold");
            var hysteresis = draft.HysteresisPercent ?? 10;
            var minDurationMs = (long)((draft.MinDurationSeconds ?? 0) * 1000);
            var clearAt = draft.ClearAt ?? ClearPoint(op, threshold, hysteresis);
            var above = op is ThresholdOperator.Above or ThresholdOperator.AtOrAbove;
            if (above ? clearAt > threshold : clearAt < threshold)
            {
                throw new RuleBookException($"rules: {draft.Path}.clearAt ({clearAt}) must be on the safe side of the threshold ({threshold})");
            }

            thresholds.Add(new ThresholdRule(alarm, draft.Severity ?? AlarmSeverities.Of(alarm), signal, op, threshold, clearAt, minDurationMs));
            if (draft.PreAlarm is { } preAlarm)
            {
                // A pre-alarm follows its set point: a site that raises the alarm level raises the pre-alarm with it.
                var preThreshold = threshold * (draft.PreAlarmRatio ?? throw Missing(draft.Path + ".preAlarm", "ratio"));
                thresholds.Add(new ThresholdRule(preAlarm, AlarmSeverities.Of(preAlarm), signal, op, preThreshold, ClearPoint(op, preThreshold, hysteresis), minDurationMs));
            }
        }

        var ratesOfRise = new List<RateOfRiseRule>();
        foreach (var (signal, draft) in layer.RatesOfRise)
        {
            if (draft.Enabled == false)
            {
                continue;
            }

            var rate = draft.DegreesPerMinute ?? throw Missing(draft.Path, "degreesPerMinute");
            var window = (long)((draft.WindowSeconds ?? 60) * 1000);
            ratesOfRise.Add(new RateOfRiseRule(signal, rate, window, rate * (1 - ((draft.HysteresisPercent ?? 10) / 100))));
        }

        var ranges = DefaultValidRanges();
        foreach (var (signal, range) in layer.ValidRanges)
        {
            ranges[signal] = range;
        }

        return new RuleSet(
            layer.HeartbeatIntervalSeconds is { } hb ? TimeSpan.FromSeconds(hb) : s_defaultHeartbeat,
            layer.HeartbeatGraceSeconds is { } grace ? TimeSpan.FromSeconds(grace) : s_defaultGrace,
            thresholds,
            ratesOfRise,
            ranges);
    }

    private static double ClearPoint(ThresholdOperator op, double threshold, double hysteresisPercent)
    {
        var band = Math.Abs(threshold) * hysteresisPercent / 100;
        return op is ThresholdOperator.Above or ThresholdOperator.AtOrAbove ? threshold - band : threshold + band;
    }

    /// <summary>What the sensors on the market can physically report; beyond it the probe is broken.</summary>
    private static Dictionary<Signal, ValidRange> DefaultValidRanges() => new()
    {
        [Signal.BatteryPercent] = new(0, 100),
        [Signal.ResidualCurrentMilliamps] = new(0, 10_000),
        [Signal.CableTemperatureCelsius] = new(-50, 400),
        [Signal.VoltageVolts] = new(0, 500),
        [Signal.CurrentAmps] = new(0, 1_000),
        [Signal.TemperatureCelsius] = new(-50, 400),
        [Signal.PortTemperatureCelsius] = new(-50, 400),
        [Signal.PortPowerWatts] = new(0, 200_000),
        [Signal.PileLeakageMilliamps] = new(0, 10_000),
        [Signal.GasLelPercent] = new(0, 100),
        [Signal.SmokeDensityDbPerMetre] = new(0, 100),
        [Signal.SignalStrengthDbm] = new(-200, 0),
    };

    private static Dictionary<DeviceKind, RuleLayer> ParseKinds(JsonElement element, string path)
    {
        Expect(element, JsonValueKind.Object, path);
        var kinds = new Dictionary<DeviceKind, RuleLayer>();
        foreach (var kind in element.EnumerateObject())
        {
            var kindPath = $"{path}.{kind.Name}";
            var parsed = ParseEnum<DeviceKind>(kind.Name, kindPath);
            kinds[parsed] = ParseLayer(kind.Value, kindPath, allowKinds: false).Layer;
        }

        return kinds;
    }

    private static (RuleLayer Layer, Dictionary<DeviceKind, RuleLayer> Kinds) ParseLayer(JsonElement element, string path, bool allowKinds)
    {
        Expect(element, JsonValueKind.Object, path);
        var layer = new RuleLayer();
        var kinds = new Dictionary<DeviceKind, RuleLayer>();
        foreach (var property in element.EnumerateObject())
        {
            var at = $"{path}.{property.Name}";
            switch (property.Name)
            {
                case "heartbeatIntervalSeconds":
                    layer.HeartbeatIntervalSeconds = Number(property.Value, at, min: 1);
                    break;
                case "heartbeatGraceSeconds":
                    layer.HeartbeatGraceSeconds = Number(property.Value, at, min: 0);
                    break;
                case "validRanges":
                    Expect(property.Value, JsonValueKind.Object, at);
                    foreach (var range in property.Value.EnumerateObject())
                    {
                        var rangePath = $"{at}.{range.Name}";
                        var signal = ParseEnum<Signal>(range.Name, rangePath);
                        if (range.Value.ValueKind != JsonValueKind.Array || range.Value.GetArrayLength() != 2)
                        {
                            throw new RuleBookException($"rules: {rangePath} must be [min, max]");
                        }

                        var min = Number(range.Value[0], rangePath, double.MinValue);
                        var max = Number(range.Value[1], rangePath, min);
                        layer.ValidRanges[signal] = new ValidRange(min, max);
                    }

                    break;
                case "thresholds":
                    Expect(property.Value, JsonValueKind.Array, at);
                    var index = 0;
                    foreach (var item in property.Value.EnumerateArray())
                    {
                        var (alarm, draft) = ParseThreshold(item, $"{at}[{index++}]");
                        if (!layer.Thresholds.TryAdd(alarm, draft))
                        {
                            throw new RuleBookException($"rules: {draft.Path} repeats alarm {alarm} in the same layer");
                        }
                    }

                    break;
                case "rateOfRise":
                    Expect(property.Value, JsonValueKind.Array, at);
                    var rorIndex = 0;
                    foreach (var item in property.Value.EnumerateArray())
                    {
                        var (signal, draft) = ParseRateOfRise(item, $"{at}[{rorIndex++}]");
                        if (!layer.RatesOfRise.TryAdd(signal, draft))
                        {
                            throw new RuleBookException($"rules: {draft.Path} repeats signal {signal} in the same layer");
                        }
                    }

                    break;
                case "kinds" when allowKinds:
                    kinds = ParseKinds(property.Value, at);
                    break;
                default:
                    if (!property.Name.StartsWith('$'))
                    {
                        throw new RuleBookException($"rules: unknown field {at} (expected heartbeatIntervalSeconds, heartbeatGraceSeconds, validRanges, thresholds, rateOfRise{(allowKinds ? ", kinds" : "")})");
                    }

                    break;
            }
        }

        return (layer, kinds);
    }

    private static (AlarmType Alarm, ThresholdDraft Draft) ParseThreshold(JsonElement element, string path)
    {
        Expect(element, JsonValueKind.Object, path);
        var draft = new ThresholdDraft { Path = path };
        AlarmType? alarm = null;
        foreach (var property in element.EnumerateObject())
        {
            var at = $"{path}.{property.Name}";
            switch (property.Name)
            {
                case "alarm":
                    alarm = ParseEnum<AlarmType>(Text(property.Value, at), at);
                    break;
                case "signal":
                    draft.Signal = ParseEnum<Signal>(Text(property.Value, at), at);
                    break;
                case "op":
                    draft.Operator = Text(property.Value, at) switch
                    {
                        ">" => ThresholdOperator.Above,
                        ">=" => ThresholdOperator.AtOrAbove,
                        "<" => ThresholdOperator.Below,
                        "<=" => ThresholdOperator.AtOrBelow,
                        var other => throw new RuleBookException($"rules: {at} is \"{other}\"; expected one of >, >=, <, <="),
                    };
                    break;
                case "threshold":
                    draft.Threshold = Number(property.Value, at, double.MinValue);
                    break;
                case "hysteresisPercent":
                    draft.HysteresisPercent = Number(property.Value, at, 0, 99);
                    break;
                case "clearAt":
                    draft.ClearAt = Number(property.Value, at, double.MinValue);
                    break;
                case "minDurationSeconds":
                    draft.MinDurationSeconds = Number(property.Value, at, 0);
                    break;
                case "severity":
                    draft.Severity = ParseEnum<Severity>(Text(property.Value, at), at);
                    break;
                case "enabled":
                    draft.Enabled = property.Value.ValueKind switch
                    {
                        JsonValueKind.True => true,
                        JsonValueKind.False => false,
                        _ => throw new RuleBookException($"rules: {at} must be true or false"),
                    };
                    break;
                case "preAlarm":
                    Expect(property.Value, JsonValueKind.Object, at);
                    foreach (var pre in property.Value.EnumerateObject())
                    {
                        var preAt = $"{at}.{pre.Name}";
                        switch (pre.Name)
                        {
                            case "alarm":
                                draft.PreAlarm = ParseEnum<AlarmType>(Text(pre.Value, preAt), preAt);
                                break;
                            case "ratio":
                                draft.PreAlarmRatio = Number(pre.Value, preAt, 0.01, 100);
                                break;
                            default:
                                throw new RuleBookException($"rules: unknown field {preAt} (expected alarm, ratio)");
                        }
                    }

                    break;
                default:
                    if (!property.Name.StartsWith('$'))
                    {
                        throw new RuleBookException($"rules: unknown field {at} (expected alarm, signal, op, threshold, hysteresisPercent, clearAt, minDurationSeconds, severity, enabled, preAlarm)");
                    }

                    break;
            }
        }

        return (alarm ?? throw Missing(path, "alarm"), draft);
    }

    private static (Signal Signal, RateOfRiseDraft Draft) ParseRateOfRise(JsonElement element, string path)
    {
        Expect(element, JsonValueKind.Object, path);
        var draft = new RateOfRiseDraft { Path = path };
        Signal? signal = null;
        foreach (var property in element.EnumerateObject())
        {
            var at = $"{path}.{property.Name}";
            switch (property.Name)
            {
                case "signal":
                    signal = ParseEnum<Signal>(Text(property.Value, at), at);
                    break;
                case "degreesPerMinute":
                    draft.DegreesPerMinute = Number(property.Value, at, 0.01);
                    break;
                case "windowSeconds":
                    draft.WindowSeconds = Number(property.Value, at, 1, 3600);
                    break;
                case "hysteresisPercent":
                    draft.HysteresisPercent = Number(property.Value, at, 0, 99);
                    break;
                case "enabled":
                    draft.Enabled = property.Value.ValueKind switch
                    {
                        JsonValueKind.True => true,
                        JsonValueKind.False => false,
                        _ => throw new RuleBookException($"rules: {at} must be true or false"),
                    };
                    break;
                default:
                    if (!property.Name.StartsWith('$'))
                    {
                        throw new RuleBookException($"rules: unknown field {at} (expected signal, degreesPerMinute, windowSeconds, hysteresisPercent, enabled)");
                    }

                    break;
            }
        }

        return (signal ?? throw Missing(path, "signal"), draft);
    }

    private static T ParseEnum<T>(string name, string path)
        where T : struct, Enum
    {
        if (Enum.TryParse<T>(name, ignoreCase: false, out var value) && Enum.IsDefined(value) && !char.IsDigit(name[0]) && name[0] != '-')
        {
            return value;
        }

        throw new RuleBookException($"rules: {path}: \"{name}\" is not a {typeof(T).Name}; expected one of {string.Join(", ", Enum.GetNames<T>())}");
    }

    private static string Text(JsonElement element, string path) =>
        element.ValueKind == JsonValueKind.String ? element.GetString()! : throw new RuleBookException($"rules: {path} must be a string");

    private static double Number(JsonElement element, string path, double min, double max = double.MaxValue)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out var value) || !double.IsFinite(value))
        {
            throw new RuleBookException($"rules: {path} must be a number");
        }

        if (value < min || value > max)
        {
            throw new RuleBookException($"rules: {path} is {value}; expected {min} to {max}");
        }

        return value;
    }

    private static void Expect(JsonElement element, JsonValueKind kind, string path)
    {
        if (element.ValueKind != kind)
        {
            throw new RuleBookException($"rules: {path} must be a JSON {kind.ToString().ToLowerInvariant()}");
        }
    }

    private static RuleBookException Missing(string path, string field) => new($"rules: {path} needs \"{field}\"");
}
