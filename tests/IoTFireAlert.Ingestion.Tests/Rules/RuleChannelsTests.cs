using IoTFireAlert.Ingestion.Rules;

namespace IoTFireAlert.Ingestion.Tests.Rules;

public sealed class RuleChannelsTests
{
    [Fact]
    public void EachRuleAndChannel_KeepsItsOwnState_AsFurtherChannelsAppear()
    {
        var channels = new RuleChannels<ThresholdChannelState>(3);
        channels.At(0, 0).PendingSinceUnixMs = 10;
        channels.At(2, 0).PendingSinceUnixMs = 20;
        channels.At(2, 1).PendingSinceUnixMs = 21;
        channels.At(2, 7).PendingSinceUnixMs = 27; // grows rule 2's further channels past channel 1
        channels.At(1, 3).Active = true;

        Assert.Equal(10, channels.At(0, 0).PendingSinceUnixMs);
        Assert.Equal(0, channels.At(1, 0).PendingSinceUnixMs);
        Assert.Equal(20, channels.At(2, 0).PendingSinceUnixMs);
        Assert.Equal(21, channels.At(2, 1).PendingSinceUnixMs);
        Assert.Equal(27, channels.At(2, 7).PendingSinceUnixMs);
        Assert.Equal(0, channels.At(2, 4).PendingSinceUnixMs);
        Assert.True(channels.At(1, 3).Active);
        Assert.False(channels.At(0, 3).Active);
        Assert.False(channels.At(1, 0).Active);
    }
}
