using IoTFireAlert.Ingestion.Decoders;
using IoTFireAlert.Ingestion.Rules;
using IoTFireAlert.Mqtt;
using IoTFireAlert.Server.Alarms;
using IoTFireAlert.Server.DeadLetters;
using IoTFireAlert.Server.Devices;
using IoTFireAlert.Telemetry;

namespace IoTFireAlert.Server.Pipeline;

/// <summary>What every partition shares: the stateless engines and the thread-safe stores.</summary>
public sealed record PartitionContext(
    PipelineOptions Options,
    DecoderRegistry Decoders,
    RuleEngine Engine,
    DeviceDirectory Directory,
    ITelemetrySink Telemetry,
    AlarmWriter Alarms,
    DeadLetterStore DeadLetters,
    UnknownDeviceQuarantine Quarantine,
    Action<MqttInboundMessage> Acknowledge);
