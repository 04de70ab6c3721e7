using IoTFireAlert.Ingestion.Readings;
using IoTFireAlert.Server.Devices;

namespace IoTFireAlert.Server.Tests.Devices;

public sealed class DeviceImportTests
{
    [Fact]
    public void Csv_QuotedFieldsAndChinese_AreRead()
    {
        const string csv = "id,kind,vendor,name,site,address,lat,lon,heartbeat_s\n" +
                           "SD-1,smoke_detector,acme,\"厨房, 二楼\",SX-1,\"绍兴市越城区仓桥直街 \"\"12\"\" 号\",30.001,120.58,3600\n" +
                           "EF-1,ElectricalFireMonitor,acme,,SX-1,,,,300\n";
        var result = DeviceImport.ParseCsv(csv);

        Assert.Empty(result.Errors);
        Assert.Equal(2, result.Devices.Count);
        Assert.Equal("厨房, 二楼", result.Devices[0].Name);
        Assert.Equal("绍兴市越城区仓桥直街 \"12\" 号", result.Devices[0].Address);
        Assert.Equal(30.001, result.Devices[0].Lat);
        Assert.Equal(DeviceKind.ElectricalFireMonitor, result.Devices[1].Kind);
        Assert.Equal(300, result.Devices[1].HeartbeatSeconds);
        Assert.Null(result.Devices[1].Lat);
    }

    [Fact]
    public void Csv_BadRows_AreReportedByLine_GoodRowsKept()
    {
        const string csv = "id,kind,vendor,lat,lon\nSD-1,smoke_detector,acme,30,120\nSD-2,toaster,acme,30,120\nSD/3,smoke_detector,acme,30,120\nSD-4,smoke_detector,acme,95,120\nSD-5,smoke_detector,acme,abc,120\n";
        var result = DeviceImport.ParseCsv(csv);

        Assert.Equal(["SD-1"], result.Devices.Select(d => d.Id));
        Assert.Collection(result.Errors,
            e => Assert.StartsWith("line 3: kind 'toaster'", e, StringComparison.Ordinal),
            e => Assert.StartsWith("line 4: id must be", e, StringComparison.Ordinal),
            e => Assert.StartsWith("line 5: lat must be", e, StringComparison.Ordinal),
            e => Assert.StartsWith("line 6: lat/lon must be decimal", e, StringComparison.Ordinal));
    }

    [Fact]
    public void Json_ArrayOrWrapped_IsRead()
    {
        const string json = """{"devices":[{"id":"CP-1","kind":"charging_pile","vendor":"acme","site":"SX-2","latitude":30.0,"longitude":120.5,"heartbeatSeconds":300}]}""";
        var result = DeviceImport.Parse(json, null);

        var device = Assert.Single(result.Devices);
        Assert.Equal(DeviceKind.ChargingPile, device.Kind);
        Assert.Equal(120.5, device.Lon);
        Assert.Equal(300, device.HeartbeatSeconds);
    }

    [Fact]
    public void Json_Malformed_IsOneClearError()
    {
        var result = DeviceImport.Parse("[{\"id\": ", "application/json");
        Assert.Empty(result.Devices);
        Assert.StartsWith("not valid JSON", Assert.Single(result.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void SampleDistrict_ImportsWithoutErrors()
    {
        var path = Path.Combine(RepositoryRoot(), "config", "devices.sample.csv");
        var result = DeviceImport.ParseCsv(File.ReadAllText(path));
        Assert.Empty(result.Errors);
        Assert.True(result.Devices.Count > 2000);
        Assert.Equal(result.Devices.Count, result.Devices.Select(d => d.Id).Distinct().Count());
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "IoTFireAlert.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root not found");
    }
}
