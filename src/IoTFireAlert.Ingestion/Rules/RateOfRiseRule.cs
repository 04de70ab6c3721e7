using IoTFireAlert.Ingestion.Readings;

namespace IoTFireAlert.Ingestion.Rules;

/// <summary>
/// Raise <c>TemperatureRateOfRise</c> when a channel's temperature climbs faster than
/// <see cref="DegreesPerMinute"/>, measured over at least <see cref="WindowMs"/> (shorter gaps
/// amplify sensor noise), or when it has already risen by the window's worth in less time.
/// Clears when a full window shows a rate at or below <see cref="ClearDegreesPerMinute"/>.
/// </summary>
public sealed record RateOfRiseRule(Signal Signal, double DegreesPerMinute, long WindowMs, double ClearDegreesPerMinute);
