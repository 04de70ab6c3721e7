using IoTFireAlert.Ingestion.Alarms;
using IoTFireAlert.Ingestion.Readings;

namespace IoTFireAlert.Ingestion.Rules;

/// <summary>
/// Turns a device's readings into alarm transitions. Stateless (all memory is in
/// <see cref="DeviceRuleState"/>), so one instance serves every partition; allocation-free once a
/// device's channels have been seen.
/// </summary>
public sealed class RuleEngine
{
    /// <summary>
    /// Evaluates one report. <paramref name="timestampUnixMs"/> is the rule clock: pass the
    /// receive time (device clocks drift and NB-IoT devices send late), it also counts as the
    /// device's last sign of life. Transitions are appended to <paramref name="output"/>.
    /// Test reports (<see cref="ReportFlags.Test"/>) prove liveness only: they produce no alarm.
    /// </summary>
    public void Evaluate(RuleSet rules, DeviceRuleState state, in DeviceReport report, ReadOnlySpan<Reading> readings, long timestampUnixMs, List<AlarmTransition> output)
    {
        state.Bind(rules, timestampUnixMs, output);
        if (timestampUnixMs > state.LastSeenUnixMs)
        {
            state.LastSeenUnixMs = timestampUnixMs;
        }

        if (state.IsOffline)
        {
            state.IsOffline = false;
            output.Add(new AlarmTransition(AlarmType.Offline, AlarmSeverities.Of(AlarmType.Offline), AlarmCondition.Cleared, 0, timestampUnixMs));
        }

        if ((report.Flags & ReportFlags.Test) != 0)
        {
            return;
        }

        foreach (ref readonly var reading in readings)
        {
            ref readonly var plan = ref rules.Plan(reading.Signal);
            if (plan.FlagAlarm != 0)
            {
                EvaluateFlag(plan.FlagAlarm, state, reading.Value, timestampUnixMs, output);
                continue;
            }

            if (!plan.Range.Contains(reading.Value))
            {
                // Impossible value: the sensor is broken, not the building on fire; keep it away from thresholds.
                if (state.AddFaultySensor(SensorKey(reading)))
                {
                    output.Add(new AlarmTransition(AlarmType.SensorFault, AlarmSeverities.Of(AlarmType.SensorFault), AlarmCondition.Raised, reading.Value, timestampUnixMs) { Channel = reading.Channel });
                }

                continue;
            }

            if (state.FaultySensorCount > 0 && state.RemoveFaultySensor(SensorKey(reading)))
            {
                output.Add(new AlarmTransition(AlarmType.SensorFault, AlarmSeverities.Of(AlarmType.SensorFault), AlarmCondition.Cleared, reading.Value, timestampUnixMs) { Channel = reading.Channel });
            }

            var thresholds = rules.ThresholdArray;
            for (var i = plan.ThresholdStart; i < plan.ThresholdStart + plan.ThresholdCount; i++)
            {
                EvaluateThreshold(thresholds[i], ref state.Threshold(i, reading.Channel), state, reading, timestampUnixMs, output);
            }

            if (plan.RateOfRiseIndex >= 0)
            {
                EvaluateRateOfRise(rules.RateOfRiseArray[plan.RateOfRiseIndex], ref state.RateOfRise(plan.RateOfRiseIndex, reading.Channel), state, reading, timestampUnixMs, output);
            }
        }
    }

    /// <summary>
    /// Raises Offline when nothing was heard for 2 x the heartbeat interval plus the grace period
    /// (a missed heartbeat alone is normal on NB-IoT). Call periodically; the next report clears it.
    /// A device never heard from (and not seeded through <see cref="DeviceRuleState.LastSeenUnixMs"/>) is skipped.
    /// </summary>
    public void CheckHeartbeat(RuleSet rules, DeviceRuleState state, long nowUnixMs, List<AlarmTransition> output)
    {
        if (state.IsOffline || state.LastSeenUnixMs == 0)
        {
            return;
        }

        var interval = (long)(state.HeartbeatInterval ?? rules.HeartbeatInterval).TotalMilliseconds;
        var silentMs = nowUnixMs - state.LastSeenUnixMs;
        if (silentMs > (2 * interval) + (long)rules.HeartbeatGrace.TotalMilliseconds)
        {
            state.IsOffline = true;
            output.Add(new AlarmTransition(AlarmType.Offline, AlarmSeverities.Of(AlarmType.Offline), AlarmCondition.Raised, silentMs / 1000.0, nowUnixMs));
        }
    }

    private static void EvaluateFlag(AlarmType alarm, DeviceRuleState state, double value, long now, List<AlarmTransition> output)
    {
        var bit = DeviceRuleState.FlagBit(alarm);
        ref var latched = ref state.LatchedFlags;
        var wasSet = (latched & bit) != 0;
        if (value != 0)
        {
            latched |= bit;
            output.Add(new AlarmTransition(alarm, AlarmSeverities.Of(alarm), wasSet ? AlarmCondition.Repeat : AlarmCondition.Raised, value, now));
        }
        else if (wasSet)
        {
            latched &= ~bit;
            output.Add(new AlarmTransition(alarm, AlarmSeverities.Of(alarm), AlarmCondition.Cleared, value, now));
        }
    }

    private static void EvaluateThreshold(ThresholdRule rule, ref ThresholdChannelState channel, DeviceRuleState state, in Reading reading, long now, List<AlarmTransition> output)
    {
        var value = reading.Value;
        if (!channel.Active)
        {
            if (!rule.IsBeyond(value))
            {
                channel.Pending = false;
                return;
            }

            if (!channel.Pending)
            {
                channel.Pending = true;
                channel.PendingSinceUnixMs = now;
            }

            if (now - channel.PendingSinceUnixMs < rule.MinDurationMs)
            {
                return;
            }

            channel.Pending = false;
            channel.Active = true;
            if (state.ActiveChannels(rule.Alarm)++ == 0)
            {
                output.Add(new AlarmTransition(rule.Alarm, rule.Severity, AlarmCondition.Raised, value, now) { Channel = reading.Channel });
            }
        }
        else if (rule.IsCleared(value))
        {
            channel.Active = false;
            ref var active = ref state.ActiveChannels(rule.Alarm);
            if (active > 0 && --active == 0)
            {
                output.Add(new AlarmTransition(rule.Alarm, rule.Severity, AlarmCondition.Cleared, value, now) { Channel = reading.Channel });
            }
        }
    }

    private static void EvaluateRateOfRise(RateOfRiseRule rule, ref RateOfRiseChannelState channel, DeviceRuleState state, in Reading reading, long now, List<AlarmTransition> output)
    {
        var value = reading.Value;
        if (!channel.HasAnchor || now <= channel.AnchorUnixMs)
        {
            channel.HasAnchor = true;
            channel.AnchorValue = value;
            channel.AnchorUnixMs = now;
            return;
        }

        var elapsed = now - channel.AnchorUnixMs;
        var rise = value - channel.AnchorValue;
        if (elapsed < rule.WindowMs)
        {
            // Already risen by a full window's worth in less than the window: no need to wait.
            if (!channel.Active && rise > rule.DegreesPerMinute * rule.WindowMs / 60_000.0)
            {
                RaiseRateOfRise(ref channel, state, rise * 60_000.0 / elapsed, reading.Channel, now, output);
            }
            else if (value < channel.AnchorValue)
            {
                // Measure from the lowest recent point, or a dip would hide the climb after it.
                channel.AnchorValue = value;
                channel.AnchorUnixMs = now;
            }

            return;
        }

        var rate = rise * 60_000.0 / elapsed;
        if (!channel.Active && rate > rule.DegreesPerMinute)
        {
            RaiseRateOfRise(ref channel, state, rate, reading.Channel, now, output);
        }
        else if (channel.Active && rate <= rule.ClearDegreesPerMinute)
        {
            channel.Active = false;
            ref var active = ref state.ActiveChannels(AlarmType.TemperatureRateOfRise);
            if (active > 0 && --active == 0)
            {
                output.Add(new AlarmTransition(AlarmType.TemperatureRateOfRise, AlarmSeverities.Of(AlarmType.TemperatureRateOfRise), AlarmCondition.Cleared, rate, now) { Channel = reading.Channel });
            }
        }

        channel.AnchorValue = value;
        channel.AnchorUnixMs = now;
    }

    private static void RaiseRateOfRise(ref RateOfRiseChannelState channel, DeviceRuleState state, double ratePerMinute, byte channelNumber, long now, List<AlarmTransition> output)
    {
        channel.Active = true;
        if (state.ActiveChannels(AlarmType.TemperatureRateOfRise)++ == 0)
        {
            output.Add(new AlarmTransition(AlarmType.TemperatureRateOfRise, AlarmSeverities.Of(AlarmType.TemperatureRateOfRise), AlarmCondition.Raised, ratePerMinute, now) { Channel = channelNumber });
        }
    }

    private static int SensorKey(in Reading reading) => ((int)reading.Signal << 8) | reading.Channel;
}
