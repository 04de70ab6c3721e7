using IoTFireAlert.Ingestion.Readings;
using IoTFireAlert.Ingestion.Rules;

namespace IoTFireAlert.Ingestion.Tests.Rules;

public sealed class RuleBookTests
{
    [Fact]
    public void Load_ShippedConfig_ResolvesEveryKind()
    {
        var book = RuleBook.Load(RuleScript.ConfigText);

        foreach (var kind in Enum.GetValues<DeviceKind>())
        {
            Assert.NotNull(book.Resolve(kind, null, "d"));
        }

        Assert.Equal(6, book.Resolve(DeviceKind.ElectricalFireMonitor, null, "d").Thresholds.Count(t => t.Signal != Signal.BatteryPercent));
    }

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("[]", "rules must be a JSON object")]
    [InlineData("""{"rulez":{}}""", "unknown section \"rulez\"")]
    [InlineData("""{"kinds":{"Toaster":{}}}""", "kinds.Toaster: \"Toaster\" is not a DeviceKind")]
    [InlineData("""{"defaults":{"thresholds":[{"alarm":"LowBattery","signal":"BatteryPercent","op":"=<","threshold":20}]}}""", "defaults.thresholds[0].op is \"=<\"")]
    [InlineData("""{"defaults":{"thresholds":[{"alarm":"LowBattery","signal":"BatteryPercent","op":"<=","treshold":20}]}}""", "unknown field defaults.thresholds[0].treshold")]
    [InlineData("""{"defaults":{"thresholds":[{"alarm":"LowBattery","signal":"BatteryPercent","op":"<="}]}}""", "defaults.thresholds[0] needs \"threshold\"")]
    [InlineData("""{"defaults":{"thresholds":[{"signal":"BatteryPercent","op":"<=","threshold":20}]}}""", "defaults.thresholds[0] needs \"alarm\"")]
    [InlineData("""{"defaults":{"thresholds":[{"alarm":"Smoke","signal":"BatteryPercent","op":"<=","threshold":20}]}}""", "\"Smoke\" is not a AlarmType")]
    [InlineData("""{"defaults":{"thresholds":[{"alarm":"LowBattery","signal":"BatteryPercent","op":"<=","threshold":"20"}]}}""", "threshold must be a number")]
    [InlineData("""{"defaults":{"thresholds":[{"alarm":"LowBattery","signal":"BatteryPercent","op":"<=","threshold":20,"clearAt":10}]}}""", "clearAt (10) must be on the safe side")]
    [InlineData("""{"defaults":{"heartbeatIntervalSeconds":0}}""", "heartbeatIntervalSeconds is 0")]
    [InlineData("""{"devices":{"d1":{"thresholds":[{"alarm":"OverVoltage","threshold":240}]}}}""", "devices.d1.thresholds[0] needs \"signal\"")]
    [InlineData("""{"defaults":{"validRanges":{"BatteryPercent":[0]}}}""", "validRanges.BatteryPercent must be [min, max]")]
    [InlineData("""{"defaults":{"rateOfRise":[{"signal":"TemperatureCelsius"}]}}""", "defaults.rateOfRise[0] needs \"degreesPerMinute\"")]
    public void Load_BadConfig_ThrowsNamingThePath(string json, string expected)
    {
        var ex = Assert.Throws<RuleBookException>(() => RuleBook.Load(json));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
