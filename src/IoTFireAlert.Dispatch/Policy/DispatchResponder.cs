using IoTFireAlert.Dispatch.Geo;

namespace IoTFireAlert.Dispatch.Policy;

/// <summary>
/// A chosen responder as the alarm's timeline records it. <see cref="RequestIndex"/> names the rule
/// line it answers, which ties a reserve to the responder it may replace.
/// </summary>
public sealed record DispatchResponder(
    ResponderKind Kind,
    string Id,
    string Name,
    ResponseMeans Means,
    double DistanceMeters,
    double EtaSeconds,
    ResponderRole Role,
    int RequestIndex);
