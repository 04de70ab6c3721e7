namespace IoTFireAlert.Mqtt.Tests.Client;

public sealed class MqttPacketIdSlotsTests
{
    [Theory]
    [InlineData(1, 2048)]
    [InlineData(8, 2048)]
    [InlineData(1023, 2048)]
    [InlineData(1024, 4096)]
    [InlineData(4096, 8192)]
    [InlineData(65000, 65536)]
    [InlineData(65535, 65536)]
    [InlineData(int.MaxValue, 65536)]
    public void Slots_CoverTheWindowWithRoomForRequests_NeverMoreThanEveryId(int window, int expected)
    {
        var slots = MqttClient.PacketIdSlots(window);

        Assert.Equal(expected, slots);
        Assert.True(slots - 1 >= Math.Min(window, 65000) + 1024 || slots == 65536);
    }
}
