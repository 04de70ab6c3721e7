using IoTFireAlert.Dispatch.Geo;
using IoTFireAlert.Dispatch.Import;
using IoTFireAlert.Dispatch.Stations;

namespace IoTFireAlert.Dispatch.Tests.Import;

public sealed class StationImportTests
{
    [Fact]
    public void FromJson_SampleConfig_LoadsEveryStation()
    {
        var result = StationImport.FromJson(RepoFiles.Read("config/stations.sample.json"));

        Assert.Empty(result.Errors);
        Assert.Equal(4, result.Items.Count(s => s.Tier == StationTier.FireStation));
        Assert.Equal(20, result.Items.Count(s => s.Tier == StationTier.MicroStation));
        Assert.Equal(30, result.Items.Count(s => s.Tier == StationTier.EquipmentPoint));
        Assert.Contains(result.Items, s => s.Has(ResponseMeans.FireBoat));
        Assert.All(result.Items, s => Assert.InRange(GreatCircle.Meters(s.Location, new GeoPoint(30.0, 120.58)), 0, 12_000));
    }

    [Fact]
    public void FromJson_BadRows_ReportedWithRowAndReason()
    {
        const string json = """
        [
          {"id":"A","name":"ok","tier":"FireStation","lat":30.0,"lon":120.5,"means":{"Engine":2},"contacts":[{"name":"Wang","phone":"1"}]},
          {"id":"B","name":"bad lat","tier":"FireStation","lat":91.0,"lon":120.5,"means":{"Engine":1}},
          {"id":"C","name":"bad tier","tier":"Castle","lat":30.0,"lon":120.5,"means":{"Engine":1}},
          {"id":"D","name":"bad means","tier":"MicroStation","lat":30.0,"lon":120.5,"means":{"Tank":1}},
          {"id":"A","name":"dup","tier":"MicroStation","lat":30.0,"lon":120.5,"means":{"SmallEngine":1}},
          {"id":"E","name":"no means","tier":"EquipmentPoint","lat":30.0,"lon":120.5,"means":{"PortableEquipment":0}},
          {"name":"no id","tier":"EquipmentPoint","lat":30.0,"lon":120.5,"means":{"PortableEquipment":1}},
          {"id":"F","name":"lat text","tier":"fire_station","lat":"abc","lon":120.5,"means":{"Engine":1}}
        ]
        """;

        var result = StationImport.FromJson(json);

        var a = Assert.Single(result.Items);
        Assert.Equal("A", a.Id);
        Assert.Equal(2, a.CountOf(ResponseMeans.Engine));
        Assert.Equal("Wang", Assert.Single(a.Contacts).Name);
        Assert.Equal([2, 3, 4, 5, 6, 7, 8], result.Errors.Select(e => e.Row));
        Assert.Contains("'lat' 91 is out of range", result.Errors[0].Reason, StringComparison.Ordinal);
        Assert.Contains("'tier' must be one of", result.Errors[1].Reason, StringComparison.Ordinal);
        Assert.Contains("'means'", result.Errors[2].Reason, StringComparison.Ordinal);
        Assert.Contains("duplicate station id 'A'", result.Errors[3].Reason, StringComparison.Ordinal);
        Assert.Contains("at least one means", result.Errors[4].Reason, StringComparison.Ordinal);
        Assert.Contains("'id' is missing", result.Errors[5].Reason, StringComparison.Ordinal);
        Assert.Contains("'lat' must be a number", result.Errors[6].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_NotJson_OneErrorAtRowZero()
    {
        var result = StationImport.FromJson("{ not json");

        Assert.Empty(result.Items);
        Assert.Equal(0, Assert.Single(result.Errors).Row);
    }

    [Fact]
    public void FromCsv_GoodAndBadLines_ReportedByLineNumber()
    {
        const string csv = """
        id,name,tier,lat,lon,status,means,contacts
        SX-FS-01,"Yuecheng, Old Town",FireStation,30.0012,120.5803,Available,Engine:3;SmallEngine:1,Wang Wei|13857510000|duty officer
        SX-MS-01,Shusheng,MicroStation,30.0041,120.5871,,FireMotorcycle:2;FireBoat,
        SX-MS-02,Bad,MicroStation,NaN,120.5871,,FireMotorcycle:2,
        SX-MS-03,Bad status,MicroStation,30.0,120.5871,Sleeping,FireMotorcycle:2,
        SX-MS-04,Too few,MicroStation,30.0
        SX-MS-05,"unterminated,MicroStation,30.0,120.5,,Engine:1,
        """;

        var result = StationImport.FromCsv(new StringReader(csv));

        Assert.Equal(["SX-FS-01", "SX-MS-01"], result.Items.Select(s => s.Id));
        Assert.Equal("Yuecheng, Old Town", result.Items[0].Name);
        Assert.Equal("duty officer", result.Items[0].Contacts[0].Role);
        Assert.Equal(1, result.Items[1].CountOf(ResponseMeans.FireBoat));
        Assert.Equal([4, 5, 6, 7], result.Errors.Select(e => e.Row));
        Assert.Contains("finite", result.Errors[0].Reason, StringComparison.Ordinal);
        Assert.Contains("'status'", result.Errors[1].Reason, StringComparison.Ordinal);
        Assert.Contains("expected 8 fields", result.Errors[2].Reason, StringComparison.Ordinal);
        Assert.Contains("unterminated", result.Errors[3].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void FromCsv_WrongHeader_Rejected()
    {
        var result = StationImport.FromCsv(new StringReader("id,name\nA,b\n"));

        Assert.Equal(1, Assert.Single(result.Errors).Row);
        Assert.Empty(result.Items);
    }
}
