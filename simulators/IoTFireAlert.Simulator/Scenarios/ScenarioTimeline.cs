using IoTFireAlert.Ingestion.Readings;
using IoTFireAlert.Simulator.Devices;
using IoTFireAlert.Simulator.Fleet;
using IoTFireAlert.Simulator.Payloads;

namespace IoTFireAlert.Simulator.Scenarios;

/// <summary>Unrolls a cast scenario into its timed messages (ramps and toggles become one report per step).</summary>
public static class ScenarioTimeline
{
    public static List<ScenarioMessage> Build(ScenarioDefinition scenario, ScenarioCast cast, IReadOnlyList<FleetVehicle> vehicles, Random random)
    {
        var messages = new List<ScenarioMessage>();
        var startMs = scenario.StartAfterSeconds * 1000;
        foreach (var step in scenario.Steps)
        {
            var devices = step.Role is null ? [] : cast.Roles[step.Role];
            if (step.Drive is { } drive)
            {
                var target = devices.Count > 0 ? devices[0] : throw new FormatException($"scenario {scenario.Name}: a drive step needs a role to drive to");
                var vehicle = drive.Vehicle == "any"
                    ? (vehicles.Count > 0 ? vehicles[0].Id : "SIM-VAN-01")
                    : drive.Vehicle;
                AddDrive(messages, scenario.Name, vehicle, target, drive, startMs + (step.At * 1000), random);
                continue;
            }

            for (var i = 0; i < devices.Count; i++)
            {
                var device = devices[i];
                var at = startMs + ((step.At + (i * step.Stagger)) * 1000);
                if (step.State is { } state)
                {
                    if (state != "offline")
                    {
                        throw new FormatException($"scenario {scenario.Name}: state must be \"offline\"");
                    }

                    messages.Add(new ScenarioMessage((long)at, scenario.Name, device, null, true, null));
                }
                else if (step.Ramp is { } ramp)
                {
                    var (signal, channel) = SignalName.Parse(ramp.Signal);
                    var direction = Math.Sign(ramp.To - ramp.From);
                    var by = Math.Abs(ramp.By) * (direction == 0 ? 1 : direction);
                    var k = 0;
                    for (var value = ramp.From; direction >= 0 ? value <= ramp.To + 1e-9 : value >= ramp.To - 1e-9; value += by, k++)
                    {
                        messages.Add(Report(scenario.Name, device, (long)(at + (k * ramp.Every * 1000)), [(signal, channel, value)], random));
                        if (direction == 0)
                        {
                            break;
                        }
                    }
                }
                else if (step.Toggle is { } toggle)
                {
                    var (signal, channel) = SignalName.Parse(toggle.Signal);
                    for (var k = 0; k < toggle.Times; k++)
                    {
                        messages.Add(Report(scenario.Name, device, (long)(at + (k * toggle.Every * 1000)), [(signal, channel, k % 2 == 0 ? toggle.On : toggle.Off)], random));
                    }
                }
                else if (step.Readings is { } readings)
                {
                    var overrides = readings.Select(r =>
                    {
                        var (signal, channel) = SignalName.Parse(r.Key);
                        return (signal, channel, r.Value);
                    }).ToArray();
                    messages.Add(Report(scenario.Name, device, (long)at, overrides, random));
                }
                else
                {
                    throw new FormatException($"scenario {scenario.Name}: a step needs readings, ramp, toggle, state or drive");
                }
            }
        }

        messages.Sort((a, b) => a.OffsetMs.CompareTo(b.OffsetMs));
        return messages;
    }

    /// <summary>The device's normal report with some signals set: the rest of the report stays believable.</summary>
    private static ScenarioMessage Report(string scenario, SimulatedDevice device, long offsetMs, (Signal Signal, byte Channel, double Value)[] overrides, Random random)
    {
        Span<Reading> normal = stackalloc Reading[NormalReadings.MaxReadings];
        var count = NormalReadings.Compose(device, random, normal);
        var readings = normal[..count].ToArray().ToList();
        foreach (var (signal, channel, value) in overrides)
        {
            var index = readings.FindIndex(r => r.Signal == signal && r.Channel == channel);
            if (index >= 0)
            {
                readings[index] = new Reading(signal, value, channel);
            }
            else
            {
                readings.Add(new Reading(signal, value, channel));
            }
        }

        return new ScenarioMessage(offsetMs, scenario, device, [.. readings], false, null);
    }

    private static void AddDrive(List<ScenarioMessage> messages, string scenario, string vehicle, SimulatedDevice target, DriveDefinition drive, double atMs, Random random)
    {
        var bearing = random.NextDouble() * 2 * Math.PI;
        var distance = drive.FromKm * 1000;
        var (lat, lon) = Geodesy.Offset(target.Lat, target.Lon, distance * Math.Cos(bearing), distance * Math.Sin(bearing));
        var seconds = Math.Max(1, (int)Math.Round(drive.Seconds));
        var speedKmh = distance / seconds * 3.6;
        var heading = Geodesy.Heading(lat, lon, target.Lat, target.Lon);
        for (var s = 0; s <= seconds; s++)
        {
            var fraction = (double)s / seconds;
            var arrived = s == seconds;
            var position = new VehiclePosition(
                vehicle,
                lat + ((target.Lat - lat) * fraction),
                lon + ((target.Lon - lon) * fraction),
                arrived ? 0 : speedKmh,
                heading,
                "busy");
            messages.Add(new ScenarioMessage((long)(atMs + (s * 1000)), scenario, null, null, false, position));
        }
    }
}
