using System.Text.Json;
using IoTFireAlert.Ingestion.Readings;

namespace IoTFireAlert.Ingestion.Decoders;

/// <summary>
/// Decodes the canonical JSON payload (docs/vendor-contract.md) with a forward-only
/// <see cref="Utf8JsonReader"/>: no DOM, no strings, 0 B per message. Unknown fields are skipped so
/// vendors can add fields before we read them; a known field with the wrong JSON type is an error.
/// </summary>
public sealed class CanonicalJsonDecoder : IPayloadDecoder
{
    public const string FormatName = "canonical-json";

    public const string EmptyPayload = "payload is empty";
    public const string NotAnObject = "payload must be one JSON object";
    public const string MalformedJson = "malformed JSON";
    public const string UnsupportedVersion = "field \"v\" must be 1 (the only canonical JSON version)";
    public const string BadTimestamp = "field \"ts\" must be a non-negative integer (Unix milliseconds)";
    public const string BadSequence = "field \"seq\" must be an integer from 0 to 4294967295";
    public const string BadKind = "field \"kind\" must be a string";
    public const string ExpectedBoolean = "a flag field (test, heartbeat, smoke, fire, manual_call_point, heat, gas, tamper, fault) must be true or false";
    public const string ExpectedNumber = "a measurement field must be a number or an array of numbers";
    public const string NonFiniteNumber = "number is out of range (not a finite double)";
    public const string TooManyChannels = "an array field holds more than 64 values";
    public const string BadPorts = "field \"ports\" must be an array of objects";
    public const string BadPortNumber = "a \"ports\" entry needs \"port\": an integer from 1 to 255";

    private const int MaxDepth = 16;

    private static readonly double[] s_pow10 =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];

    public string Format => FormatName;

    public bool TryDecode(ReadOnlySpan<char> topicDeviceId, ReadOnlySpan<byte> payload, DecodedBatch output, out DecodeError error)
    {
        if (payload.IsEmpty)
        {
            error = new DecodeError(EmptyPayload, 0);
            return false;
        }

        var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = MaxDepth });
        try
        {
            return Decode(ref reader, topicDeviceId, output, out error);
        }
        catch (JsonException)
        {
            // The reader throws on malformed input; the exception is the error path only.
            error = new DecodeError(MalformedJson, (int)reader.BytesConsumed);
            return false;
        }
    }

    private static bool Decode(ref Utf8JsonReader reader, ReadOnlySpan<char> topicDeviceId, DecodedBatch output, out DecodeError error)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return Fail(NotAnObject, ref reader, out error);
        }

        ref var report = ref output.BeginReport(topicDeviceId);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                // Only whitespace may follow; the reader throws on anything else.
                if (reader.Read())
                {
                    return Fail(MalformedJson, ref reader, out error);
                }

                error = default;
                return true;
            }

            var field = MatchField(ref reader);
            if (!reader.Read())
            {
                break;
            }

            switch (field)
            {
                case CanonicalJsonField.Version:
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var v) || v != CanonicalJsonSchema.Version)
                    {
                        return Fail(UnsupportedVersion, ref reader, out error);
                    }

                    break;
                case CanonicalJsonField.Timestamp:
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var ts) || ts < 0)
                    {
                        return Fail(BadTimestamp, ref reader, out error);
                    }

                    report.TimestampUnixMs = ts;
                    report.Flags |= ReportFlags.HasTimestamp;
                    break;
                case CanonicalJsonField.Sequence:
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetUInt32(out var seq))
                    {
                        return Fail(BadSequence, ref reader, out error);
                    }

                    report.Sequence = seq;
                    report.Flags |= ReportFlags.HasSequence;
                    break;
                case CanonicalJsonField.Kind:
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return Fail(BadKind, ref reader, out error);
                    }

                    report.Kind = reader.ValueIsEscaped ? DeviceKind.Unknown : CanonicalJsonSchema.ParseKind(reader.ValueSpan);
                    break;
                case CanonicalJsonField.Test:
                case CanonicalJsonField.Heartbeat:
                    if (!TryGetBoolean(ref reader, out var on))
                    {
                        return Fail(ExpectedBoolean, ref reader, out error);
                    }

                    if (on)
                    {
                        report.Flags |= field == CanonicalJsonField.Test ? ReportFlags.Test : ReportFlags.Heartbeat;
                    }

                    break;
                case >= CanonicalJsonField.Smoke and <= CanonicalJsonField.Fault:
                    if (!TryGetBoolean(ref reader, out var flag))
                    {
                        return Fail(ExpectedBoolean, ref reader, out error);
                    }

                    output.Add(new Reading(FlagSignal(field), flag ? 1 : 0));
                    break;
                case >= CanonicalJsonField.BatteryPercent and <= CanonicalJsonField.Leakage:
                    if (!ReadMeasurement(ref reader, AnalogSignal(field), output, out error))
                    {
                        return false;
                    }

                    break;
                case CanonicalJsonField.Ports:
                    if (!ReadPorts(ref reader, output, out error))
                    {
                        return false;
                    }

                    break;
                default:
                    // Unknown field (or a port-only name at the top level): skip its value, whatever it is.
                    reader.Skip();
                    break;
            }
        }

        return Fail(MalformedJson, ref reader, out error);
    }

    private static bool ReadMeasurement(ref Utf8JsonReader reader, Signal signal, DecodedBatch output, out DecodeError error)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                error = default;
                return true;
            case JsonTokenType.Number:
                if (!TryGetNumber(ref reader, out var value))
                {
                    return Fail(NonFiniteNumber, ref reader, out error);
                }

                output.Add(new Reading(signal, value));
                error = default;
                return true;
            case JsonTokenType.StartArray:
                var channel = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (++channel > CanonicalJsonSchema.MaxChannels)
                    {
                        return Fail(TooManyChannels, ref reader, out error);
                    }

                    if (reader.TokenType == JsonTokenType.Null)
                    {
                        continue; // a missing probe keeps the channel numbering of the others
                    }

                    if (reader.TokenType != JsonTokenType.Number)
                    {
                        return Fail(ExpectedNumber, ref reader, out error);
                    }

                    if (!TryGetNumber(ref reader, out var item))
                    {
                        return Fail(NonFiniteNumber, ref reader, out error);
                    }

                    output.Add(new Reading(signal, item, (byte)channel));
                }

                error = default;
                return true;
            default:
                return Fail(ExpectedNumber, ref reader, out error);
        }
    }

    private static bool ReadPorts(ref Utf8JsonReader reader, DecodedBatch output, out DecodeError error)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            error = default;
            return true;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return Fail(BadPorts, ref reader, out error);
        }

        var count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return Fail(BadPorts, ref reader, out error);
            }

            if (++count > CanonicalJsonSchema.MaxChannels)
            {
                return Fail(TooManyChannels, ref reader, out error);
            }

            // "port" may come after the values, so hold them until the object ends.
            var port = -1;
            double temp = double.NaN, power = double.NaN, leakage = double.NaN;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var field = MatchField(ref reader);
                reader.Read();
                switch (field)
                {
                    case CanonicalJsonField.Port:
                        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out port) || port is < 1 or > 255)
                        {
                            return Fail(BadPortNumber, ref reader, out error);
                        }

                        break;
                    case CanonicalJsonField.Temperature:
                    case CanonicalJsonField.Power:
                    case CanonicalJsonField.Leakage:
                        if (reader.TokenType == JsonTokenType.Null)
                        {
                            break;
                        }

                        if (reader.TokenType != JsonTokenType.Number)
                        {
                            return Fail(ExpectedNumber, ref reader, out error);
                        }

                        if (!TryGetNumber(ref reader, out var value))
                        {
                            return Fail(NonFiniteNumber, ref reader, out error);
                        }

                        if (field == CanonicalJsonField.Temperature)
                        {
                            temp = value;
                        }
                        else if (field == CanonicalJsonField.Power)
                        {
                            power = value;
                        }
                        else
                        {
                            leakage = value;
                        }

                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            if (port < 0)
            {
                return Fail(BadPortNumber, ref reader, out error);
            }

            var channel = (byte)port;
            if (!double.IsNaN(temp))
            {
                output.Add(new Reading(Signal.PortTemperatureCelsius, temp, channel));
            }

            if (!double.IsNaN(power))
            {
                output.Add(new Reading(Signal.PortPowerWatts, power, channel));
            }

            if (!double.IsNaN(leakage))
            {
                output.Add(new Reading(Signal.PileLeakageMilliamps, leakage, channel));
            }
        }

        error = default;
        return true;
    }

    private static bool TryGetBoolean(ref Utf8JsonReader reader, out bool value)
    {
        value = reader.TokenType == JsonTokenType.True;
        return value || reader.TokenType == JsonTokenType.False;
    }

    /// <summary>
    /// Fast path for plain decimals of up to 15 digits (what sensors send): the mantissa and the
    /// power of ten are exact doubles, so one IEEE division is correctly rounded (Clinger 1990)
    /// and gives the same double as a full parse. Anything else goes to the reader's parser.
    /// </summary>
    private static bool TryGetNumber(ref Utf8JsonReader reader, out double value)
    {
        var span = reader.ValueSpan;
        var i = 0;
        var negative = span[0] == (byte)'-';
        if (negative)
        {
            i = 1;
        }

        ulong mantissa = 0;
        var digits = 0;
        var fraction = -1;
        for (; i < span.Length; i++)
        {
            var d = (uint)(span[i] - '0');
            if (d <= 9)
            {
                if (++digits > 15)
                {
                    return TryGetNumberSlow(ref reader, out value);
                }

                mantissa = (mantissa * 10) + d;
                if (fraction >= 0)
                {
                    fraction++;
                }
            }
            else if (span[i] == (byte)'.' && fraction < 0)
            {
                fraction = 0;
            }
            else
            {
                return TryGetNumberSlow(ref reader, out value);
            }
        }

        value = fraction > 0 ? mantissa / s_pow10[fraction] : mantissa;
        if (negative)
        {
            value = -value;
        }

        return true;
    }

    private static bool TryGetNumberSlow(ref Utf8JsonReader reader, out double value) =>
        reader.TryGetDouble(out value) && double.IsFinite(value);

    private static CanonicalJsonField MatchField(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return MatchField(reader.ValueSpan);
        }

        // An escaped name unescapes to at most its escaped length; every known name fits in 128
        // bytes even if each character were escaped as \uXXXX.
        if (reader.ValueSpan.Length > 128)
        {
            return CanonicalJsonField.Unknown;
        }

        Span<byte> unescaped = stackalloc byte[128];
        var length = reader.CopyString(unescaped);
        return MatchField(unescaped[..length]);
    }

    internal static CanonicalJsonField MatchField(ReadOnlySpan<byte> name)
    {
        // Dispatch on length first: one or two comparisons per field instead of a linear scan.
        switch (name.Length)
        {
            case 1:
                return name[0] == (byte)'v' ? CanonicalJsonField.Version : CanonicalJsonField.Unknown;
            case 2:
                return name.SequenceEqual("ts"u8) ? CanonicalJsonField.Timestamp : CanonicalJsonField.Unknown;
            case 3:
                return name.SequenceEqual("seq"u8) ? CanonicalJsonField.Sequence
                    : name.SequenceEqual("gas"u8) ? CanonicalJsonField.Gas : CanonicalJsonField.Unknown;
            case 4:
                return name.SequenceEqual("kind"u8) ? CanonicalJsonField.Kind
                    : name.SequenceEqual("test"u8) ? CanonicalJsonField.Test
                    : name.SequenceEqual("fire"u8) ? CanonicalJsonField.Fire
                    : name.SequenceEqual("heat"u8) ? CanonicalJsonField.Heat
                    : name.SequenceEqual("port"u8) ? CanonicalJsonField.Port : CanonicalJsonField.Unknown;
            case 5:
                return name.SequenceEqual("smoke"u8) ? CanonicalJsonField.Smoke
                    : name.SequenceEqual("fault"u8) ? CanonicalJsonField.Fault
                    : name.SequenceEqual("ports"u8) ? CanonicalJsonField.Ports : CanonicalJsonField.Unknown;
            case 6:
                return name.SequenceEqual("tamper"u8) ? CanonicalJsonField.Tamper
                    : name.SequenceEqual("temp_c"u8) ? CanonicalJsonField.Temperature : CanonicalJsonField.Unknown;
            case 7:
                return name.SequenceEqual("power_w"u8) ? CanonicalJsonField.Power : CanonicalJsonField.Unknown;
            case 8:
                return name.SequenceEqual("rssi_dbm"u8) ? CanonicalJsonField.SignalStrength : CanonicalJsonField.Unknown;
            case 9:
                return name.SequenceEqual("heartbeat"u8) ? CanonicalJsonField.Heartbeat
                    : name.SequenceEqual("voltage_v"u8) ? CanonicalJsonField.Voltage
                    : name.SequenceEqual("current_a"u8) ? CanonicalJsonField.Current : CanonicalJsonField.Unknown;
            case 10:
                return name.SequenceEqual("smoke_db_m"u8) ? CanonicalJsonField.SmokeDensity
                    : name.SequenceEqual("leakage_ma"u8) ? CanonicalJsonField.Leakage : CanonicalJsonField.Unknown;
            case 11:
                return name.SequenceEqual("battery_pct"u8) ? CanonicalJsonField.BatteryPercent
                    : name.SequenceEqual("gas_lel_pct"u8) ? CanonicalJsonField.GasLel : CanonicalJsonField.Unknown;
            case 12:
                return name.SequenceEqual("cable_temp_c"u8) ? CanonicalJsonField.CableTemperature : CanonicalJsonField.Unknown;
            case 17:
                return name.SequenceEqual("manual_call_point"u8) ? CanonicalJsonField.ManualCallPoint : CanonicalJsonField.Unknown;
            case 19:
                return name.SequenceEqual("residual_current_ma"u8) ? CanonicalJsonField.ResidualCurrent : CanonicalJsonField.Unknown;
            default:
                return CanonicalJsonField.Unknown;
        }
    }

    private static Signal FlagSignal(CanonicalJsonField field) => field switch
    {
        CanonicalJsonField.Smoke => Signal.SmokeAlarm,
        CanonicalJsonField.Fire => Signal.FireAlarm,
        CanonicalJsonField.ManualCallPoint => Signal.ManualCallPointPressed,
        CanonicalJsonField.Heat => Signal.HeatAlarm,
        CanonicalJsonField.Gas => Signal.GasAlarm,
        CanonicalJsonField.Tamper => Signal.Tamper,
        _ => Signal.Fault,
    };

    private static Signal AnalogSignal(CanonicalJsonField field) => field switch
    {
        CanonicalJsonField.BatteryPercent => Signal.BatteryPercent,
        CanonicalJsonField.ResidualCurrent => Signal.ResidualCurrentMilliamps,
        CanonicalJsonField.CableTemperature => Signal.CableTemperatureCelsius,
        CanonicalJsonField.Voltage => Signal.VoltageVolts,
        CanonicalJsonField.Current => Signal.CurrentAmps,
        CanonicalJsonField.Temperature => Signal.TemperatureCelsius,
        CanonicalJsonField.GasLel => Signal.GasLelPercent,
        CanonicalJsonField.SmokeDensity => Signal.SmokeDensityDbPerMetre,
        CanonicalJsonField.SignalStrength => Signal.SignalStrengthDbm,
        _ => Signal.PileLeakageMilliamps,
    };

    private static bool Fail(string reason, ref Utf8JsonReader reader, out DecodeError error)
    {
        error = new DecodeError(reason, (int)reader.TokenStartIndex);
        return false;
    }
}
