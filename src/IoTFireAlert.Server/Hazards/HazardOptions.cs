using IoTFireAlert.Ingestion.Alarms;

namespace IoTFireAlert.Server.Hazards;

/// <summary>Section "Hazards" of config/hazards.json: grids and people, deadlines, windows, risk-code rules.</summary>
public sealed class HazardOptions
{
    public const string DefaultFile = "config/hazards.json";

    private Dictionary<string, GridOptions>? _grids;

    /// <summary>Who an order escalates to after the grid supervisor.</summary>
    public string FireSafetyOffice { get; set; } = "fire-safety office";

    public List<GridOptions> Grids { get; set; } = [];

    /// <summary>Hours from opening to the rectification deadline, by severity name (Warning, Minor, Major, Critical).</summary>
    public Dictionary<string, double> DeadlineHours { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Warning"] = 168,
        ["Minor"] = 72,
        ["Major"] = 24,
        ["Critical"] = 4,
    };

    /// <summary>The same hazard reported again within this many hours of rectification reopens the order instead of opening a new one.</summary>
    public double VerificationWindowHours { get; set; } = 72;

    /// <summary>Hours after escalation to the grid supervisor before an order still overdue goes to the fire-safety office.</summary>
    public double EscalateToOfficeAfterHours { get; set; } = 24;

    public double OverdueCheckSeconds { get; set; } = 60;

    public List<RepeatRuleOptions> RepeatRules { get; set; } = [];

    public RiskCodeOptions RiskCode { get; set; } = new();

    public InspectionOptions Inspection { get; set; } = new();

    public GridOptions? Grid(string? id)
    {
        if (id is null)
        {
            return null;
        }

        _grids ??= Grids.ToDictionary(g => g.Id, StringComparer.Ordinal);
        return _grids.GetValueOrDefault(id);
    }

    public long DeadlineMs(Severity severity) =>
        (long)(DeadlineHours.TryGetValue(severity.ToString(), out var hours) ? hours * 3_600_000 : 72 * 3_600_000.0);

    public long VerificationWindowMs => (long)(VerificationWindowHours * 3_600_000);

    public long OfficeAfterMs => (long)(EscalateToOfficeAfterHours * 3_600_000);

    public RepeatRuleOptions? RepeatRuleFor(AlarmType type)
    {
        var name = type.ToString();
        foreach (var rule in RepeatRules)
        {
            if (rule.Types.Contains(name, StringComparer.Ordinal))
            {
                return rule;
            }
        }

        return null;
    }

    /// <summary>Days between inspections for a code.</summary>
    public long CadenceMs(string code) => (long)(code switch
    {
        RiskCodes.Red => Inspection.RedDays,
        RiskCodes.Yellow => Inspection.YellowDays,
        _ => Inspection.GreenDays,
    } * 86_400_000);

    /// <summary>Every problem with the configuration, so the server refuses to start with all of them named.</summary>
    public List<string> Validate()
    {
        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var grid in Grids)
        {
            if (string.IsNullOrWhiteSpace(grid.Id))
            {
                problems.Add("Hazards:Grids: every grid needs an Id (the devices' grid column names it)");
                continue;
            }

            if (!seen.Add(grid.Id))
            {
                problems.Add($"Hazards:Grids: grid '{grid.Id}' is listed twice");
            }

            if (grid.Members.Count == 0 || grid.Members.Any(string.IsNullOrWhiteSpace))
            {
                problems.Add($"Hazards:Grids '{grid.Id}': at least one member is required, and no empty names");
            }

            if (string.IsNullOrWhiteSpace(grid.Supervisor))
            {
                problems.Add($"Hazards:Grids '{grid.Id}': a Supervisor is required (overdue orders escalate to them)");
            }
        }

        if (string.IsNullOrWhiteSpace(FireSafetyOffice))
        {
            problems.Add("Hazards:FireSafetyOffice is required");
        }

        foreach (var (name, hours) in DeadlineHours)
        {
            if (!Enum.TryParse<Severity>(name, ignoreCase: true, out _))
            {
                problems.Add($"Hazards:DeadlineHours: '{name}' is not a severity (Warning, Minor, Major, Critical)");
            }
            else if (!(hours > 0))
            {
                problems.Add($"Hazards:DeadlineHours:{name} must be > 0");
            }
        }

        if (!(VerificationWindowHours >= 0) || !(EscalateToOfficeAfterHours >= 0))
        {
            problems.Add("Hazards: VerificationWindowHours and EscalateToOfficeAfterHours must be >= 0");
        }

        if (!(OverdueCheckSeconds >= 1))
        {
            problems.Add("Hazards:OverdueCheckSeconds must be >= 1");
        }

        foreach (var rule in RepeatRules)
        {
            foreach (var type in rule.Types)
            {
                if (!Enum.TryParse<AlarmType>(type, ignoreCase: false, out _))
                {
                    problems.Add($"Hazards:RepeatRules: '{type}' is not an alarm type");
                }
            }

            if (rule.Times < 1 || !(rule.WindowHours > 0))
            {
                problems.Add("Hazards:RepeatRules: Times must be >= 1 and WindowHours > 0");
            }
        }

        var risk = RiskCode;
        if (!(risk.CriticalAlarmWindowDays >= 0) || !(risk.MajorAlarmWindowDays >= 0) || risk.RedOpenHazards < 1 || risk.YellowOpenHazards < 1)
        {
            problems.Add("Hazards:RiskCode: windows must be >= 0 days and hazard thresholds >= 1");
        }

        var inspection = Inspection;
        if (!(inspection.RedDays > 0) || !(inspection.YellowDays > 0) || !(inspection.GreenDays > 0) || Math.Abs(inspection.UtcOffsetHours) > 14)
        {
            problems.Add("Hazards:Inspection: cadences must be > 0 days and UtcOffsetHours within -14..14");
        }

        return problems;
    }
}
