using IoTFireAlert.Dispatch.Fleet;
using IoTFireAlert.Dispatch.Import;

namespace IoTFireAlert.Dispatch.Tests.Import;

public sealed class VehicleImportTests
{
    [Fact]
    public void FromJson_SampleFleet_LoadsTenVans()
    {
        var result = VehicleImport.FromJson(RepoFiles.Read("config/fleet.sample.json"));

        Assert.Empty(result.Errors);
        Assert.Equal(10, result.Items.Count);
        Assert.Contains(result.Items, v => v.Status == VehicleStatus.Busy);
        Assert.Contains(result.Items, v => v.Status == VehicleStatus.Offline);
    }

    [Fact]
    public void FromCsv_BadRows_ReportedWithLineAndReason()
    {
        const string csv = """
        id,name,lat,lon,speedKmh,heading,status,lastUpdate
        V1,Van 1,30.0,120.58,35,90,available,1717228800
        V2,Van 2,30.0,181,35,90,available,
        V3,Van 3,30.0,120.58,35,400,available,
        V4,Van 4,30.0,120.58,35,90,parked,
        V5,Van 5,30.0,120.58,35,90,busy,yesterday
        V1,Van 1 again,30.0,120.58,0,0,offline,2025-06-01T08:00:00Z
        """;

        var result = VehicleImport.FromCsv(new StringReader(csv));

        var v1 = Assert.Single(result.Items);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1717228800), v1.LastUpdate);
        Assert.Equal([3, 4, 5, 6, 7], result.Errors.Select(e => e.Row));
        Assert.Contains("'lon' 181 is out of range", result.Errors[0].Reason, StringComparison.Ordinal);
        Assert.Contains("'heading'", result.Errors[1].Reason, StringComparison.Ordinal);
        Assert.Contains("'status'", result.Errors[2].Reason, StringComparison.Ordinal);
        Assert.Contains("'lastUpdate'", result.Errors[3].Reason, StringComparison.Ordinal);
        Assert.Contains("duplicate vehicle id 'V1'", result.Errors[4].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_BadRow_ReportedWithIndex()
    {
        const string json = """{"vehicles":[{"id":"V1","name":"a","lat":30,"lon":120},{"id":"V2","name":"b","lat":30}]}""";

        var result = VehicleImport.FromJson(json);

        Assert.Single(result.Items);
        var error = Assert.Single(result.Errors);
        Assert.Equal(2, error.Row);
        Assert.Equal("row 2: 'lon' is missing", error.ToString());
    }
}
