using IoTFireAlert.Dispatch.Geo;

namespace IoTFireAlert.Dispatch.Stations;

/// <summary>How many of one means a station keeps (e.g. 2 engines).</summary>
public readonly record struct MeansCount(ResponseMeans Means, int Count);
