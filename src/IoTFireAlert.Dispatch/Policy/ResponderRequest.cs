using IoTFireAlert.Dispatch.Geo;
using IoTFireAlert.Dispatch.Stations;

namespace IoTFireAlert.Dispatch.Policy;

/// <summary>
/// One line of a rule: "the nearest <see cref="Count"/> of this kind, by ETA over any of
/// <see cref="Means"/>, with <see cref="Reserves"/> next-nearest kept for escalation".
/// </summary>
public sealed record ResponderRequest(
    ResponderKind Kind,
    StationTiers Tiers,
    IReadOnlyList<ResponseMeans> Means,
    int Count,
    int Reserves,
    ResponderRole Role);
