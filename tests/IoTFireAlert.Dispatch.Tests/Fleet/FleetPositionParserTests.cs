using System.Text;
using IoTFireAlert.Dispatch.Fleet;
using IoTFireAlert.Dispatch.Policy;

namespace IoTFireAlert.Dispatch.Tests.Fleet;

public sealed class FleetPositionParserTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly FleetPositionParser _parser = new(new FleetPositionLimits(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30)), new ManualClock(Now));

    private static long NowMs => Now.ToUnixTimeMilliseconds();

    [Fact]
    public void ParseMqtt_FullPayload_AllFieldsRead()
    {
        var json = $$$"""{"lat":30.0012,"lon":120.5803,"speed":42.5,"heading":270,"ts":{{{NowMs - 1000}}},"status":"busy","extra":{"a":[1,2]}}""";

        var r = _parser.ParseMqtt("fleet/SGCC-SX-01/pos", Encoding.UTF8.GetBytes(json));

        Assert.True(r.IsValid, r.Detail);
        Assert.Equal(new FleetPosition("SGCC-SX-01", 30.0012, 120.5803, 42.5, 270, NowMs - 1000, VehicleStatus.Busy), r.Position);
    }

    [Fact]
    public void ParseMqtt_IsoTimestampAndQuotedNumbers_Accepted()
    {
        var r = _parser.ParseMqtt("fleet/V1/pos", """{"lat":"30.0","lon":"120.58","ts":"2025-06-01T07:59:30Z"}"""u8);

        Assert.True(r.IsValid, r.Detail);
        Assert.Equal(NowMs - 30_000, r.Position.TimestampUnixMs);
        Assert.Null(r.Position.Status);
    }

    [Theory]
    [InlineData("""{"lat":91,"lon":120,"ts":TS}""", FleetPositionError.LatitudeOutOfRange)]
    [InlineData("""{"lat":30,"lon":-180.5,"ts":TS}""", FleetPositionError.LongitudeOutOfRange)]
    [InlineData("""{"lat":"NaN","lon":120,"ts":TS}""", FleetPositionError.NotANumber)]
    [InlineData("""{"lat":NaN,"lon":120,"ts":TS}""", FleetPositionError.Malformed)]
    [InlineData("""{"lat":30,"lon":"east","ts":TS}""", FleetPositionError.NotANumber)]
    [InlineData("""{"lat":30,"ts":TS}""", FleetPositionError.MissingCoordinates)]
    [InlineData("""{"lat":30,"lon":120}""", FleetPositionError.MissingTimestamp)]
    [InlineData("""{"lat":30,"lon":120,"ts":"yesterday"}""", FleetPositionError.BadTimestamp)]
    [InlineData("""{"lat":30,"lon":120,"ts":TS,"status":"parked"}""", FleetPositionError.BadStatus)]
    [InlineData("""{"lat":30,"lon":120,"ts":TS,"speed":-3}""", FleetPositionError.SpeedOutOfRange)]
    [InlineData("""{"lat":30,"lon":120,"ts":TS,"heading":361}""", FleetPositionError.HeadingOutOfRange)]
    [InlineData("""[1,2]""", FleetPositionError.Malformed)]
    [InlineData("""{"lat":30,""", FleetPositionError.Malformed)]
    public void ParseMqtt_BadPayload_RejectedWithReason(string template, FleetPositionError expected)
    {
        var json = template.Replace("TS", NowMs.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

        var r = _parser.ParseMqtt("fleet/V1/pos", Encoding.UTF8.GetBytes(json));

        Assert.Equal(expected, r.Error);
        Assert.False(string.IsNullOrEmpty(r.Detail));
    }

    [Fact]
    public void ParseMqtt_StaleOrFuture_Rejected()
    {
        var stale = _parser.ParseMqtt("fleet/V1/pos", Encoding.UTF8.GetBytes($$"""{"lat":30,"lon":120,"ts":{{NowMs - 301_000}}}"""));
        var future = _parser.ParseMqtt("fleet/V1/pos", Encoding.UTF8.GetBytes($$"""{"lat":30,"lon":120,"ts":{{NowMs + 31_000}}}"""));
        var edge = _parser.ParseMqtt("fleet/V1/pos", Encoding.UTF8.GetBytes($$"""{"lat":30,"lon":120,"ts":{{NowMs - 299_000}}}"""));

        Assert.Equal(FleetPositionError.StaleTimestamp, stale.Error);
        Assert.Equal(FleetPositionError.FutureTimestamp, future.Error);
        Assert.True(edge.IsValid);
    }

    [Theory]
    [InlineData("fleet/pos")]
    [InlineData("fleet//pos")]
    [InlineData("fleet/a/b/pos")]
    [InlineData("dev/v/d/up")]
    public void ParseMqtt_BadTopic_Rejected(string topic)
    {
        Assert.Equal(FleetPositionError.BadTopic, _parser.ParseMqtt(topic, """{"lat":30,"lon":120,"ts":1}"""u8).Error);
    }

    [Fact]
    public void ParseOsmAndQuery_TraccarClientForm_SpeedInKnots()
    {
        var seconds = Now.ToUnixTimeSeconds() - 10;
        var r = _parser.ParseOsmAndQuery($"?id=SGCC-SX-02&timestamp={seconds}&lat=30.0046&lon=120.6148&speed=10&bearing=90.5&altitude=12&accuracy=5&batt=87");

        Assert.True(r.IsValid, r.Detail);
        Assert.Equal("SGCC-SX-02", r.Position.VehicleId);
        Assert.Equal(18.52, r.Position.SpeedKmh, 9);
        Assert.Equal(90.5, r.Position.HeadingDegrees);
        Assert.Equal(seconds * 1000, r.Position.TimestampUnixMs);
    }

    [Fact]
    public void ParseOsmAndQuery_DeviceIdLocationIsoAndPercentEncoding_Accepted()
    {
        var r = _parser.ParseOsmAndQuery("deviceid=van%2001&location=30.0%2C120.58&timestamp=2025-06-01T07%3A59%3A00Z&heading=10");

        Assert.True(r.IsValid, r.Detail);
        Assert.Equal("van 01", r.Position.VehicleId);
        Assert.Equal((30.0, 120.58), (r.Position.Latitude, r.Position.Longitude));
        Assert.Equal(NowMs - 60_000, r.Position.TimestampUnixMs);
    }

    [Fact]
    public void ParseOsmAndQuery_MillisecondsAndPlainDateAndNoTimestamp_Accepted()
    {
        var ms = _parser.ParseOsmAndQuery($"id=a&lat=30&lon=120&timestamp={NowMs - 5000}");
        var plain = _parser.ParseOsmAndQuery("id=a&lat=30&lon=120&timestamp=2025-06-01+07:58:00");
        var none = _parser.ParseOsmAndQuery("id=a&lat=30&lon=120");

        Assert.Equal(NowMs - 5000, ms.Position.TimestampUnixMs);
        Assert.Equal(NowMs - 120_000, plain.Position.TimestampUnixMs);
        Assert.Equal(NowMs, none.Position.TimestampUnixMs);
    }

    [Theory]
    [InlineData("lat=30&lon=120", FleetPositionError.MissingVehicleId)]
    [InlineData("id=a&lat=30", FleetPositionError.MissingCoordinates)]
    [InlineData("id=a&lat=NaN&lon=120", FleetPositionError.NotANumber)]
    [InlineData("id=a&lat=30&lon=abc", FleetPositionError.NotANumber)]
    [InlineData("id=a&lat=-95&lon=120", FleetPositionError.LatitudeOutOfRange)]
    [InlineData("id=a&lat=30&lon=200", FleetPositionError.LongitudeOutOfRange)]
    [InlineData("id=a&lat=30&lon=120&timestamp=1000000000", FleetPositionError.StaleTimestamp)]
    [InlineData("id=a&lat=30&lon=120&timestamp=1748800000", FleetPositionError.FutureTimestamp)]
    [InlineData("id=a&lat=30&lon=120&timestamp=soon", FleetPositionError.BadTimestamp)]
    [InlineData("id=a&lat=30&lon=120&valid=false", FleetPositionError.InvalidFix)]
    [InlineData("id=a&lat=30&lon=120&speed=300", FleetPositionError.SpeedOutOfRange)]
    public void ParseOsmAndQuery_Bad_RejectedWithReason(string query, FleetPositionError expected)
    {
        Assert.Equal(expected, _parser.ParseOsmAndQuery(query).Error);
    }

    [Fact]
    public void ParseOsmAndJson_TraccarClientBody_SpeedInMetersPerSecond()
    {
        var r = _parser.ParseOsmAndJson("""
        {"location":{"timestamp":"2025-06-01T07:59:50.000Z","coords":{"latitude":30.0231,"longitude":120.5962,"accuracy":5,"speed":10,"heading":-1,"altitude":8},
         "is_moving":true,"odometer":0,"event":"motionchange","battery":{"level":0.8,"is_charging":false},"activity":{"type":"in_vehicle"},"extras":{}},
         "device_id":"48241179"}
        """u8);

        Assert.True(r.IsValid, r.Detail);
        Assert.Equal("48241179", r.Position.VehicleId);
        Assert.Equal(36.0, r.Position.SpeedKmh, 9);
        Assert.Equal(0, r.Position.HeadingDegrees);
        Assert.Equal(NowMs - 10_000, r.Position.TimestampUnixMs);
    }

    [Theory]
    [InlineData("""{"location":{"coords":{"latitude":30,"longitude":120}}}""", FleetPositionError.MissingVehicleId)]
    [InlineData("""{"location":{"coords":{"latitude":30}},"device_id":"x"}""", FleetPositionError.MissingCoordinates)]
    [InlineData("""{"location":{"coords":{"latitude":100,"longitude":120}},"device_id":"x"}""", FleetPositionError.LatitudeOutOfRange)]
    [InlineData("""{"location":{"timestamp":"2020-01-01T00:00:00Z","coords":{"latitude":30,"longitude":120}},"device_id":"x"}""", FleetPositionError.StaleTimestamp)]
    [InlineData("""{"device_id":"x"}""", FleetPositionError.Malformed)]
    [InlineData("""not json""", FleetPositionError.Malformed)]
    public void ParseOsmAndJson_Bad_Rejected(string body, FleetPositionError expected)
    {
        Assert.Equal(expected, _parser.ParseOsmAndJson(Encoding.UTF8.GetBytes(body)).Error);
    }

    [Fact]
    public void ParseTraccarForward_PositionAndDevice_KnotsConverted()
    {
        var r = _parser.ParseTraccarForward("""
        {"position":{"id":1,"deviceId":134,"protocol":"osmand","fixTime":"2025-06-01T07:59:40.000+00:00","valid":true,
                     "latitude":29.9781,"longitude":120.5852,"altitude":21.0,"speed":4.859613,"course":117.0,"attributes":{}},
         "device":{"id":134,"name":"Repair van 02","uniqueId":"SGCC-SX-02","status":"online"}}
        """u8);

        Assert.True(r.IsValid, r.Detail);
        Assert.Equal("SGCC-SX-02", r.Position.VehicleId);
        Assert.Equal(4.859613 * 1.852, r.Position.SpeedKmh, 9);
        Assert.Equal(117.0, r.Position.HeadingDegrees);
        Assert.Equal(NowMs - 20_000, r.Position.TimestampUnixMs);
    }

    [Fact]
    public void ParseTraccarForward_UnixMillisFixTime_Accepted()
    {
        var body = Encoding.UTF8.GetBytes($$$"""{"position":{"latitude":30,"longitude":120,"fixTime":{{{NowMs}}}},"device":{"uniqueId":"v"}}""");

        Assert.Equal(NowMs, _parser.ParseTraccarForward(body).Position.TimestampUnixMs);
    }

    [Theory]
    [InlineData("""{"position":{"latitude":30,"longitude":120,"fixTime":"2025-06-01T08:00:00Z"},"device":{}}""", FleetPositionError.MissingVehicleId)]
    [InlineData("""{"position":{"latitude":30,"longitude":120},"device":{"uniqueId":"v"}}""", FleetPositionError.MissingTimestamp)]
    [InlineData("""{"position":{"latitude":30,"longitude":190,"fixTime":"2025-06-01T08:00:00Z"},"device":{"uniqueId":"v"}}""", FleetPositionError.LongitudeOutOfRange)]
    [InlineData("""{"position":{"latitude":"NaN","longitude":120,"fixTime":"2025-06-01T08:00:00Z"},"device":{"uniqueId":"v"}}""", FleetPositionError.NotANumber)]
    [InlineData("""{"position":{"latitude":30,"longitude":120,"fixTime":"2025-06-01T08:00:00Z","valid":false},"device":{"uniqueId":"v"}}""", FleetPositionError.InvalidFix)]
    [InlineData("""{"position":{"latitude":30,"longitude":120,"fixTime":"2025-06-01T08:00:00Z"}}""", FleetPositionError.Malformed)]
    public void ParseTraccarForward_Bad_Rejected(string body, FleetPositionError expected)
    {
        Assert.Equal(expected, _parser.ParseTraccarForward(Encoding.UTF8.GetBytes(body)).Error);
    }

    [Fact]
    public void Unknown_CallerResult_NamesVehicle()
    {
        var r = FleetPositionResult.Unknown("ghost");

        Assert.Equal(FleetPositionError.UnknownVehicle, r.Error);
        Assert.Contains("ghost", r.Detail, StringComparison.Ordinal);
    }
}
