using IoTFireAlert.Ingestion.Rules;

namespace IoTFireAlert.Ingestion.Tests.Rules;

public sealed class DeviceRuleStateTests
{
    [Fact]
    public void IsDuplicateSequence_RedeliveryAndOutOfOrder_DetectedWithinWindow()
    {
        var state = new DeviceRuleState();

        Assert.False(state.IsDuplicateSequence(100));
        Assert.True(state.IsDuplicateSequence(100));
        Assert.False(state.IsDuplicateSequence(102));
        Assert.False(state.IsDuplicateSequence(101)); // late but new
        Assert.True(state.IsDuplicateSequence(101));
        Assert.True(state.IsDuplicateSequence(102));
        Assert.False(state.IsDuplicateSequence(200));
        Assert.False(state.IsDuplicateSequence(137)); // 63 behind: new
        Assert.True(state.IsDuplicateSequence(137));
    }

    [Fact]
    public void IsDuplicateSequence_DeviceRestartOrWrap_Accepted()
    {
        var state = new DeviceRuleState();
        state.IsDuplicateSequence(5000);

        Assert.False(state.IsDuplicateSequence(1)); // restart far behind: accepted, window restarts
        Assert.False(state.IsDuplicateSequence(2));
        Assert.True(state.IsDuplicateSequence(1));

        state.IsDuplicateSequence(uint.MaxValue);
        Assert.False(state.IsDuplicateSequence(0)); // wrap counts as ahead
        Assert.True(state.IsDuplicateSequence(uint.MaxValue));
    }
}
