namespace IoTFireAlert.Server.Pipeline;

/// <summary>
/// The device topics of the vendor contract, parsed from the topic's UTF-8 bytes without
/// allocating: <c>dev/{vendor}/{deviceId}/up</c> and <c>dev/{vendor}/{deviceId}/state</c>.
/// </summary>
public readonly struct UplinkTopic
{
    public UplinkTopic(UplinkTopicKind kind, int vendorStart, int vendorLength, int deviceStart, int deviceLength)
    {
        Kind = kind;
        VendorStart = vendorStart;
        VendorLength = vendorLength;
        DeviceStart = deviceStart;
        DeviceLength = deviceLength;
    }

    public UplinkTopicKind Kind { get; }
    public int VendorStart { get; }
    public int VendorLength { get; }
    public int DeviceStart { get; }
    public int DeviceLength { get; }

    public ReadOnlySpan<byte> Vendor(ReadOnlySpan<byte> topic) => topic.Slice(VendorStart, VendorLength);

    public ReadOnlySpan<byte> DeviceId(ReadOnlySpan<byte> topic) => topic.Slice(DeviceStart, DeviceLength);

    public static bool TryParse(ReadOnlySpan<byte> topic, out UplinkTopic parsed)
    {
        parsed = default;
        if (!topic.StartsWith("dev/"u8))
        {
            return false;
        }

        var rest = topic[4..];
        var vendorLength = rest.IndexOf((byte)'/');
        if (vendorLength <= 0)
        {
            return false;
        }

        var afterVendor = rest[(vendorLength + 1)..];
        var deviceLength = afterVendor.IndexOf((byte)'/');
        if (deviceLength <= 0)
        {
            return false;
        }

        var suffix = afterVendor[(deviceLength + 1)..];
        UplinkTopicKind kind;
        if (suffix.SequenceEqual("up"u8))
        {
            kind = UplinkTopicKind.Uplink;
        }
        else if (suffix.SequenceEqual("state"u8))
        {
            kind = UplinkTopicKind.State;
        }
        else
        {
            return false;
        }

        parsed = new UplinkTopic(kind, 4, vendorLength, 4 + vendorLength + 1, deviceLength);
        return true;
    }

    /// <summary>The partition that owns a device: a stable hash of its id bytes (FNV-1a), so one device always lands on one task.</summary>
    public static int PartitionOf(ReadOnlySpan<byte> deviceId, int partitions)
    {
        var hash = 2166136261u;
        foreach (var b in deviceId)
        {
            hash = (hash ^ b) * 16777619u;
        }

        return (int)(hash % (uint)partitions);
    }
}
