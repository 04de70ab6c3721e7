using System.Buffers;
using System.Text;
using IoTFireAlert.Ingestion.Decoders;
using IoTFireAlert.Ingestion.Encoders;
using IoTFireAlert.Ingestion.Readings;
using IoTFireAlert.Simulator.Devices;

namespace IoTFireAlert.Simulator.Payloads;

/// <summary>
/// Turns a device's readings into its uplink topic and its vendor's payload with the project's own
/// encoders (the ones the decoders are tested against), so what the simulator sends is by
/// construction what the server reads. Reuses its buffers: one writer per sending task.
/// </summary>
public sealed class DevicePayloadWriter : IDisposable
{
    private readonly VendorFormats _formats;
    private readonly CanonicalJsonEncoder _json = new();
    private readonly Gbt26875FrameEncoder _gbt = new();
    private readonly ArrayBufferWriter<byte> _payload = new(1024);
    private readonly byte[] _topic = new byte[1024];
    private readonly Gbt26875ComponentState[] _states = new Gbt26875ComponentState[1];
    private readonly Gbt26875AnalogValue[] _analogs = new Gbt26875AnalogValue[NormalReadings.MaxReadings];
    private int _topicLength;

    public DevicePayloadWriter(VendorFormats formats)
    {
        _formats = formats;
    }

    public ReadOnlyMemory<byte> Topic => _topic.AsMemory(0, _topicLength);

    public ReadOnlyMemory<byte> Payload => _payload.WrittenMemory;

    /// <summary>Writes <c>dev/{vendor}/{topicDevice}/up</c> and the payload of one report.</summary>
    public void Write(SimulatedDevice device, uint sequence, long timestampUnixMs, ReadOnlySpan<Reading> readings)
    {
        WriteTopic(device, "up");
        _payload.ResetWrittenCount();
        switch (_formats.FormatOf(device.Vendor))
        {
            case PayloadFormat.CanonicalJson:
                _json.Write(_payload, Header(device, sequence, timestampUnixMs), readings);
                break;
            case PayloadFormat.Tlv:
                TlvEncoder.Write(_payload, Header(device, sequence, timestampUnixMs), readings);
                break;
            default:
                WriteGbt(device, sequence, timestampUnixMs, readings);
                break;
        }
    }

    /// <summary>Writes <c>dev/{vendor}/{deviceId}/state</c> with "online" or "offline" (what a device's will message says).</summary>
    public void WriteState(SimulatedDevice device, bool online)
    {
        WriteTopic(device with { TopicDevice = device.Id }, "state");
        _payload.ResetWrittenCount();
        _payload.Write(online ? "online"u8 : "offline"u8);
    }

    public void Dispose() => _json.Dispose();

    private static DeviceReport Header(SimulatedDevice device, uint sequence, long timestampUnixMs) => new()
    {
        Kind = device.Kind,
        Sequence = sequence,
        TimestampUnixMs = timestampUnixMs,
        Flags = ReportFlags.HasSequence | ReportFlags.HasTimestamp,
    };

    private void WriteTopic(SimulatedDevice device, string suffix)
    {
        var n = 0;
        n += Encoding.UTF8.GetBytes("dev/", _topic.AsSpan(n));
        n += Encoding.UTF8.GetBytes(device.Vendor, _topic.AsSpan(n));
        _topic[n++] = (byte)'/';
        n += Encoding.UTF8.GetBytes(device.TopicDevice, _topic.AsSpan(n));
        _topic[n++] = (byte)'/';
        n += Encoding.UTF8.GetBytes(suffix, _topic.AsSpan(n));
        _topicLength = n;
    }

    /// <summary>
    /// A GB/T frame carries one type of information object: alarm flags travel as the component's
    /// running state (fire bit), measurements as analog values. A report with a raised flag, or with
    /// nothing analog to say, is a state frame; otherwise an analog frame.
    /// </summary>
    private void WriteGbt(SimulatedDevice device, uint sequence, long timestampUnixMs, ReadOnlySpan<Reading> readings)
    {
        var componentType = ComponentType(device.Kind);
        var header = new Gbt26875FrameHeader((ushort)sequence, Gbt26875.CommandSendData, timestampUnixMs, SourceAddress: NormalReadings.StableHash(device.TopicDevice));
        ushort state = Gbt26875.StateNormal;
        var analogCount = 0;
        foreach (var r in readings)
        {
            switch (r.Signal)
            {
                case Signal.SmokeAlarm or Signal.FireAlarm or Signal.ManualCallPointPressed or Signal.HeatAlarm or Signal.GasAlarm:
                    state |= r.Value != 0 ? Gbt26875.StateFire : (ushort)0;
                    break;
                case Signal.Fault:
                    state |= r.Value != 0 ? Gbt26875.StateFault : (ushort)0;
                    break;
                case Signal.TemperatureCelsius:
                    _analogs[analogCount++] = Analog(device, componentType, Gbt26875.AnalogTemperature, r.Value * 10, timestampUnixMs);
                    break;
                case Signal.CableTemperatureCelsius:
                    _analogs[analogCount++] = Analog(device, Gbt26875.ComponentTemperatureElectricalMonitor, Gbt26875.AnalogTemperature, r.Value * 10, timestampUnixMs);
                    break;
                case Signal.VoltageVolts:
                    _analogs[analogCount++] = Analog(device, componentType, Gbt26875.AnalogVoltage, r.Value * 10, timestampUnixMs);
                    break;
                case Signal.CurrentAmps:
                    _analogs[analogCount++] = Analog(device, componentType, Gbt26875.AnalogCurrent, r.Value * 10, timestampUnixMs);
                    break;
                case Signal.ResidualCurrentMilliamps:
                    // A residual-current monitor reports its leakage as a current in 0.1 A.
                    _analogs[analogCount++] = Analog(device, Gbt26875.ComponentResidualCurrentMonitor, Gbt26875.AnalogCurrent, r.Value / 100, timestampUnixMs);
                    break;
                case Signal.GasLelPercent:
                    _analogs[analogCount++] = Analog(device, componentType, Gbt26875.AnalogGasConcentration, r.Value * 10, timestampUnixMs);
                    break;
                default:
                    // Battery, signal strength, smoke density: GB/T 26875.3 has no analog type for them.
                    break;
            }
        }

        if (state != Gbt26875.StateNormal || analogCount == 0)
        {
            _states[0] = new Gbt26875ComponentState(1, 0, componentType, device.ComponentAddress, state, timestampUnixMs);
            var span = _payload.GetSpan(Gbt26875FrameEncoder.FrameLength(1, Gbt26875.ComponentStateSize));
            _payload.Advance(_gbt.WriteComponentStates(span, header, _states));
        }
        else
        {
            var span = _payload.GetSpan(Gbt26875FrameEncoder.FrameLength(analogCount, Gbt26875.ComponentAnalogSize));
            _payload.Advance(_gbt.WriteAnalogValues(span, header, _analogs.AsSpan(0, analogCount)));
        }
    }

    private static Gbt26875AnalogValue Analog(SimulatedDevice device, byte componentType, byte analogType, double scaled, long timestampUnixMs) =>
        new(1, 0, componentType, device.ComponentAddress, analogType, (short)Math.Clamp(Math.Round(scaled, MidpointRounding.AwayFromZero), short.MinValue, short.MaxValue), timestampUnixMs);

    private static byte ComponentType(DeviceKind kind) => kind switch
    {
        DeviceKind.SmokeDetector => Gbt26875.ComponentSmokeDetectorFirst,
        DeviceKind.HeatDetector => Gbt26875.ComponentHeatDetectorFirst,
        DeviceKind.ManualCallPoint => Gbt26875.ComponentManualCallPoint,
        DeviceKind.ElectricalFireMonitor => Gbt26875.ComponentElectricalFireMonitor,
        DeviceKind.GasDetector => Gbt26875.ComponentCombustibleGasDetector,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "GB/T 26875.3 has no component type for this kind"),
    };
}
