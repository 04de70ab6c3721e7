using IoTFireAlert.Ingestion.Readings;

namespace IoTFireAlert.Ingestion.Decoders;

/// <summary>
/// Turns one vendor's uplink payload into readings. One implementation per payload format,
/// chosen by the <c>{vendor}</c> topic level through configuration. Implementations are
/// stateless and allocation-free on success; one instance serves all partitions.
/// </summary>
public interface IPayloadDecoder
{
    /// <summary>The format name used in configuration, e.g. <c>canonical-json</c>.</summary>
    string Format { get; }

    /// <summary>
    /// Appends the payload's reports to <paramref name="output"/> (which the caller cleared).
    /// Returns false with <paramref name="error"/> set when the payload is malformed; the batch
    /// content is then undefined and must be discarded.
    /// </summary>
    bool TryDecode(ReadOnlySpan<char> topicDeviceId, ReadOnlySpan<byte> payload, DecodedBatch output, out DecodeError error);
}
