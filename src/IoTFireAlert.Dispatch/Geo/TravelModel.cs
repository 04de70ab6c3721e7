namespace IoTFireAlert.Dispatch.Geo;

/// <summary>
/// ETA = great-circle distance x detour factor / speed of the means. Roads wind through an old town
/// (road factor ~1.3), canals less so (water factor). The factor and speed fold into one
/// seconds-per-metre figure per means, so ETA is a monotone function of distance for a given means:
/// the nearest by distance among stations having that means is also the nearest by ETA.
/// </summary>
public sealed class TravelModel
{
    /// <summary>Highest <see cref="ResponseMeans"/> value + 1, for arrays indexed by means.</summary>
    internal const int MeansSlots = 7;

    private readonly double[] _secondsPerMeter = new double[MeansSlots];
    private readonly double[] _speedsKmh = new double[MeansSlots];

    public TravelModel(IReadOnlyDictionary<ResponseMeans, double> speedsKmh, double roadFactor, double waterFactor)
    {
        ArgumentNullException.ThrowIfNull(speedsKmh);
        if (!(roadFactor >= 1.0) || !double.IsFinite(roadFactor))
        {
            throw new ArgumentOutOfRangeException(nameof(roadFactor), roadFactor, "road factor must be a finite number >= 1");
        }

        if (!(waterFactor >= 1.0) || !double.IsFinite(waterFactor))
        {
            throw new ArgumentOutOfRangeException(nameof(waterFactor), waterFactor, "water factor must be a finite number >= 1");
        }

        RoadFactor = roadFactor;
        WaterFactor = waterFactor;
        foreach (var means in Enum.GetValues<ResponseMeans>())
        {
            if (!speedsKmh.TryGetValue(means, out var speed))
            {
                throw new ArgumentException($"no speed configured for means '{means}'", nameof(speedsKmh));
            }

            if (!(speed > 0) || !double.IsFinite(speed))
            {
                throw new ArgumentException($"speed for means '{means}' must be a positive number of km/h, got {speed}", nameof(speedsKmh));
            }

            var factor = means == ResponseMeans.FireBoat ? waterFactor : roadFactor;
            _speedsKmh[(int)means] = speed;
            _secondsPerMeter[(int)means] = factor / (speed / 3.6);
        }
    }

    public double RoadFactor { get; }

    public double WaterFactor { get; }

    /// <summary>Engine 35, small engine 30, fire motorcycle 30, fire boat 20, portable equipment 15, repair van 35 km/h; road 1.3, water 1.2.</summary>
    public static TravelModel Default { get; } = new(
        new Dictionary<ResponseMeans, double>
        {
            [ResponseMeans.Engine] = 35,
            [ResponseMeans.SmallEngine] = 30,
            [ResponseMeans.FireMotorcycle] = 30,
            [ResponseMeans.FireBoat] = 20,
            [ResponseMeans.PortableEquipment] = 15,
            [ResponseMeans.RepairVan] = 35,
        },
        roadFactor: 1.3,
        waterFactor: 1.2);

    public double SpeedKmh(ResponseMeans means) => _speedsKmh[(int)means];

    public double SecondsPerMeter(ResponseMeans means) => _secondsPerMeter[(int)means];

    public double EtaSeconds(double distanceMeters, ResponseMeans means) => distanceMeters * _secondsPerMeter[(int)means];
}
