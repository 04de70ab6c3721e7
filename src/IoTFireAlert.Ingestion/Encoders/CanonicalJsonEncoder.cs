using System.Buffers;
using System.Text.Json;
using IoTFireAlert.Ingestion.Decoders;
using IoTFireAlert.Ingestion.Readings;

namespace IoTFireAlert.Ingestion.Encoders;

/// <summary>
/// Writes the canonical JSON payload for a report: what simulators publish and what tests decode.
/// Readings with channels become arrays (channel n at index n-1, gaps as null); port signals with a
/// channel become <c>ports</c> entries. Reuses one <see cref="Utf8JsonWriter"/>: one encoder per task.
/// </summary>
public sealed class CanonicalJsonEncoder : IDisposable
{
    private static readonly Signal[] s_topLevelOrder =
    [
        Signal.SmokeAlarm, Signal.FireAlarm, Signal.ManualCallPointPressed, Signal.HeatAlarm, Signal.GasAlarm,
        Signal.Tamper, Signal.Fault, Signal.BatteryPercent, Signal.ResidualCurrentMilliamps,
        Signal.CableTemperatureCelsius, Signal.VoltageVolts, Signal.CurrentAmps, Signal.TemperatureCelsius,
        Signal.GasLelPercent, Signal.SmokeDensityDbPerMetre, Signal.SignalStrengthDbm, Signal.PileLeakageMilliamps,
    ];

    private readonly Utf8JsonWriter _writer = new(Stream.Null);

    /// <summary>
    /// Writes <paramref name="header"/>'s kind, flags, timestamp (if <see cref="ReportFlags.HasTimestamp"/>)
    /// and sequence (if <see cref="ReportFlags.HasSequence"/>) and the readings.
    /// </summary>
    public void Write(IBufferWriter<byte> output, in DeviceReport header, ReadOnlySpan<Reading> readings)
    {
        var w = _writer;
        w.Reset(output);
        w.WriteStartObject();
        w.WriteNumber("v"u8, CanonicalJsonSchema.Version);
        if ((header.Flags & ReportFlags.HasTimestamp) != 0)
        {
            w.WriteNumber("ts"u8, header.TimestampUnixMs);
        }

        if ((header.Flags & ReportFlags.HasSequence) != 0)
        {
            w.WriteNumber("seq"u8, header.Sequence);
        }

        if (header.Kind != DeviceKind.Unknown)
        {
            w.WriteString("kind"u8, CanonicalJsonSchema.KindName(header.Kind));
        }

        if ((header.Flags & ReportFlags.Test) != 0)
        {
            w.WriteBoolean("test"u8, true);
        }

        if ((header.Flags & ReportFlags.Heartbeat) != 0)
        {
            w.WriteBoolean("heartbeat"u8, true);
        }

        foreach (var signal in s_topLevelOrder)
        {
            WriteSignal(w, signal, readings);
        }

        WritePorts(w, readings);
        w.WriteEndObject();
        w.Flush();
    }

    public void Dispose() => _writer.Dispose();

    private static void WriteSignal(Utf8JsonWriter w, Signal signal, ReadOnlySpan<Reading> readings)
    {
        var isPortSignal = signal == Signal.PileLeakageMilliamps;
        var maxChannel = -1;
        var scalarIndex = -1;
        for (var i = 0; i < readings.Length; i++)
        {
            if (readings[i].Signal != signal)
            {
                continue;
            }

            if (readings[i].Channel == 0)
            {
                scalarIndex = i;
            }
            else if (!isPortSignal)
            {
                maxChannel = Math.Max(maxChannel, readings[i].Channel);
            }
        }

        var name = CanonicalJsonSchema.FieldName(signal)!;
        if (maxChannel > 0)
        {
            if (maxChannel > CanonicalJsonSchema.MaxChannels)
            {
                throw new ArgumentException($"{signal} has channel {maxChannel}; canonical JSON arrays hold at most {CanonicalJsonSchema.MaxChannels}.", nameof(readings));
            }

            w.WriteStartArray(name);
            for (var channel = 1; channel <= maxChannel; channel++)
            {
                var found = false;
                foreach (var r in readings)
                {
                    if (r.Signal == signal && r.Channel == channel)
                    {
                        w.WriteNumberValue(r.Value);
                        found = true;
                        break;
                    }
                }

                if (!found)
                {
                    w.WriteNullValue();
                }
            }

            w.WriteEndArray();
        }
        else if (scalarIndex >= 0)
        {
            var value = readings[scalarIndex].Value;
            if (CanonicalJsonSchema.IsFlag(signal))
            {
                w.WriteBoolean(name, value != 0);
            }
            else
            {
                w.WriteNumber(name, value);
            }
        }
    }

    private static void WritePorts(Utf8JsonWriter w, ReadOnlySpan<Reading> readings)
    {
        Span<bool> seen = stackalloc bool[256];
        var any = false;
        foreach (var r in readings)
        {
            if (r.Channel > 0 && CanonicalJsonSchema.PortFieldName(r.Signal) is not null)
            {
                seen[r.Channel] = true;
                any = true;
            }
        }

        if (!any)
        {
            return;
        }

        w.WriteStartArray("ports"u8);
        for (var port = 1; port < 256; port++)
        {
            if (!seen[port])
            {
                continue;
            }

            w.WriteStartObject();
            w.WriteNumber("port"u8, port);
            foreach (var r in readings)
            {
                if (r.Channel == port && CanonicalJsonSchema.PortFieldName(r.Signal) is { } field)
                {
                    w.WriteNumber(field, r.Value);
                }
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
