using IoTFireAlert.Ingestion.Readings;
using IoTFireAlert.Simulator.Devices;
using IoTFireAlert.Simulator.Load;

namespace IoTFireAlert.Simulator.Tests;

public sealed class BackgroundScheduleTests
{
    private static SimulatedDevice Device(string id, int heartbeat) => new(id, DeviceKind.SmokeDetector, "acme", "S", 30, 120, heartbeat);

    [Fact]
    public void Schedule_DevicesSpeakInProportionToTheirHeartbeat_AtTheTargetRate()
    {
        var devices = new[] { Device("fast", 120), Device("slow", 3600), Device("slower", 14_400) };
        var schedule = new BackgroundSchedule(devices, targetRate: 1.0, maxPerDevice: 100, new Random(1));
        var counts = new int[3];
        var seconds = 0.0;
        while (seconds < 36_000)
        {
            seconds = schedule.NextDueSeconds;
            counts[schedule.Next()]++;
        }

        Assert.Equal(1.0, schedule.AchievableRate, 6);
        Assert.Equal(30.0, (double)counts[0] / counts[1], 0);
        Assert.Equal(4.0, (double)counts[1] / counts[2], 0);
        Assert.InRange(counts.Sum(), 35_950, 36_050);
    }

    [Fact]
    public void Schedule_NoDeviceExceedsItsCap_EvenWhenTheTargetIsHigher()
    {
        var devices = Enumerable.Range(0, 10).Select(i => Device($"d{i}", i == 0 ? 10 : 3600)).ToArray();
        var schedule = new BackgroundSchedule(devices, targetRate: 1000, maxPerDevice: 4, new Random(1));
        var counts = new int[10];
        while (schedule.NextDueSeconds < 100)
        {
            counts[schedule.Next()]++;
        }

        Assert.Equal(40, schedule.AchievableRate, 6);
        Assert.All(counts, c => Assert.InRange(c, 399, 401));
    }

    [Fact]
    public void TokenBucket_RampsUpLinearly_ThenHoldsTheRate()
    {
        var bucket = new TokenBucket(1000, TimeSpan.FromSeconds(10));
        long taken = 0;
        long atRampEnd = 0;
        for (var ms = 1; ms <= 20_000; ms++)
        {
            taken += bucket.TakeAvailable(ms / 1000.0);
            if (ms == 10_000)
            {
                atRampEnd = taken;
            }
        }

        // Ramp: the area of a triangle (10 s x 1000/s / 2), then 10 s at the full rate.
        Assert.InRange(atRampEnd, 4_950, 5_050);
        Assert.InRange(taken - atRampEnd, 9_950, 10_050);
    }

    [Theory]
    [InlineData("per-device", true, 0)]
    [InlineData("4", false, 4)]
    public void ConnectionMode_ParsesTheCliWords(string text, bool perDevice, int count)
    {
        Assert.Equal(new ConnectionMode(perDevice, count), ConnectionMode.Parse(text));
    }

    [Fact]
    public void ConnectionMode_Nonsense_IsRefused() => Assert.Throws<FormatException>(() => ConnectionMode.Parse("lots"));
}
