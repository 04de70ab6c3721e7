using System.Globalization;
using IoTFireAlert.Ingestion.Readings;
using IoTFireAlert.Simulator.Devices;

namespace IoTFireAlert.Simulator.City;

/// <summary>
/// A made-up district of Shaoxing's old town, generated device by device so a million devices
/// stream to disk without being held in memory. Households (smoke detectors, a call point, an
/// electrical-fire monitor, charging piles, heat and gas detectors) in every vendor format; every
/// twentieth site a building whose fire panel reports through a GB/T 26875.3 transmission device;
/// from 1,000 devices on, the first site is a tower with over 200 smoke detectors (the alarm storm
/// scenario's stage). The same arguments give the same city.
/// </summary>
public sealed class DemoCity
{
    public const double CentreLat = 30.0000;
    public const double CentreLon = 120.5800;
    private const int TowerSize = 224;

    private static readonly DeviceKind[] s_household =
    [
        DeviceKind.SmokeDetector, DeviceKind.SmokeDetector, DeviceKind.ManualCallPoint, DeviceKind.ElectricalFireMonitor,
        DeviceKind.SmokeDetector, DeviceKind.ChargingPile, DeviceKind.HeatDetector, DeviceKind.GasDetector,
        DeviceKind.SmokeDetector, DeviceKind.ChargingPile, DeviceKind.SmokeDetector, DeviceKind.ElectricalFireMonitor,
    ];

    private static readonly DeviceKind[] s_panel =
    [
        DeviceKind.SmokeDetector, DeviceKind.SmokeDetector, DeviceKind.HeatDetector, DeviceKind.ManualCallPoint,
        DeviceKind.ElectricalFireMonitor, DeviceKind.SmokeDetector, DeviceKind.GasDetector,
    ];

    private readonly string _jsonVendor;
    private readonly string _tlvVendor;
    private readonly string _gbtVendor;

    public DemoCity(string jsonVendor = "acme", string tlvVendor = "nbiot-x", string gbtVendor = "gbt")
    {
        _jsonVendor = jsonVendor;
        _tlvVendor = tlvVendor;
        _gbtVendor = gbtVendor;
    }

    /// <summary>
    /// Sites when none are asked for: ten devices a household, so a household has the four smoke
    /// detectors (and a call point) the fire-in-building scenario needs.
    /// </summary>
    public static int DefaultSites(int devices) => Math.Max(1, devices / 10);

    /// <summary>The city's devices in file order.</summary>
    public IEnumerable<CityDevice> Devices(int deviceCount, int siteCount, int seed)
    {
        siteCount = Math.Clamp(siteCount, 1, Math.Max(1, deviceCount));
        var random = new Random(seed);
        var tower = deviceCount >= 1000 ? TowerSize : 0;
        var rest = deviceCount - tower;
        var ordinarySites = tower > 0 ? Math.Max(1, siteCount - 1) : siteCount;
        var emitted = 0;
        for (var s = 0; s < siteCount && emitted < deviceCount; s++)
        {
            var size = tower > 0 && s == 0
                ? tower
                : (rest / ordinarySites) + ((tower > 0 ? s - 1 : s) < rest % ordinarySites ? 1 : 0);
            if (s == siteCount - 1)
            {
                size = deviceCount - emitted;
            }

            var site = $"SIM-{s + 1:D6}";
            var (lat, lon) = (CentreLat + ((random.NextDouble() - 0.5) * 0.04), CentreLon + ((random.NextDouble() - 0.5) * 0.05));
            var grid = $"GRID-{(int)((lat - CentreLat + 0.02) / 0.005):D2}{(int)((lon - CentreLon + 0.025) / 0.005):D2}";
            var address = $"绍兴市越城区仿真街{s + 1}号";
            var contacts = $"户主 {Surname(s)}先生 138{(seed + s) % 100_000_000:D8}";
            var panel = tower == 0 || s != 0 ? s % 20 == 10 : false;
            for (var j = 0; j < size; j++)
            {
                var kind = s == 0 && tower > 0 ? (j < 2 ? DeviceKind.ManualCallPoint : j < 4 ? DeviceKind.ElectricalFireMonitor : DeviceKind.SmokeDetector)
                    : panel ? s_panel[j % s_panel.Length]
                    : s_household[j % s_household.Length];
                string id, vendor;
                int heartbeat;
                if (panel)
                {
                    id = $"uitd-{s + 1:D6}-{((int)kind * 100_000) + j + 1}";
                    vendor = _gbtVendor;
                    heartbeat = 600;
                }
                else
                {
                    id = $"{site}-{Abbreviation(kind)}{j + 1:D2}";
                    vendor = kind == DeviceKind.SmokeDetector && s % 3 == 2 ? _tlvVendor : _jsonVendor;
                    heartbeat = HeartbeatSeconds(kind, vendor == _tlvVendor);
                }

                var floor = (j / 4 % 30) + 1;
                var (dlat, dlon) = (lat + ((random.NextDouble() - 0.5) * 0.0004), lon + ((random.NextDouble() - 0.5) * 0.0004));
                yield return new CityDevice(
                    id, kind, vendor,
                    $"仿真街{s + 1}号 {floor}层 {DeviceKindNames.ToSnakeCase(kind)}",
                    site, address, s == 0 && tower > 0 ? "塔楼" : "1幢", floor, grid,
                    Math.Round(dlat, 6), Math.Round(dlon, 6), contacts, heartbeat,
                    $"2025-{(j % 12) + 1:D2}-{(s % 28) + 1:D2}");
                emitted++;
            }
        }
    }

    /// <summary>As <see cref="SimulatedDevice"/>s, for <c>run --devices N</c> (the same devices <c>generate</c> writes).</summary>
    public static SimulatedDevice ToSimulated(CityDevice d) => new(d.Id, d.Kind, d.Vendor, d.Site, d.Lat, d.Lon, d.HeartbeatSeconds);

    public static string CsvHeader => "id,kind,vendor,name,site,address,building,floor,grid,lat,lon,contacts,heartbeat_s,installed_on";

    public static string CsvLine(CityDevice d) => string.Create(CultureInfo.InvariantCulture,
        $"{d.Id},{DeviceKindNames.ToSnakeCase(d.Kind)},{d.Vendor},{d.Name},{d.Site},{d.Address},{d.Building},{d.Floor},{d.Grid},{d.Lat:F6},{d.Lon:F6},{d.Contacts},{d.HeartbeatSeconds},{d.InstalledOn}");

    private static int HeartbeatSeconds(DeviceKind kind, bool nbIot) => kind switch
    {
        DeviceKind.SmokeDetector => nbIot ? 14_400 : 3600,
        DeviceKind.ElectricalFireMonitor => 300,
        DeviceKind.ChargingPile => 120,
        _ => 3600,
    };

    private static string Abbreviation(DeviceKind kind) => kind switch
    {
        DeviceKind.SmokeDetector => "SD",
        DeviceKind.ManualCallPoint => "MCP",
        DeviceKind.ElectricalFireMonitor => "EF",
        DeviceKind.ChargingPile => "CP",
        DeviceKind.HeatDetector => "HD",
        _ => "GAS",
    };

    private static string Surname(int site) => "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"[site % 20].ToString();
}
