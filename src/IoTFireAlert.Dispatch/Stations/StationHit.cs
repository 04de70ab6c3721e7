using IoTFireAlert.Dispatch.Geo;

namespace IoTFireAlert.Dispatch.Stations;

/// <summary>One station found by <see cref="NearestStationFinder"/>; <see cref="Slot"/> indexes the finder.</summary>
public readonly record struct StationHit(int Slot, string StationId, ResponseMeans Means, double DistanceMeters, double EtaSeconds);
