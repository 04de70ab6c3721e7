using IoTFireAlert.Ingestion.Decoders;
using IoTFireAlert.Ingestion.Readings;

namespace IoTFireAlert.Ingestion.Tests.Decoders;

/// <summary>A decoded report copied out of the batch, for assertions.</summary>
internal sealed record DecodedReport(string DeviceId, DeviceReport Report, Reading[] Readings)
{
    public static DecodedReport[] DecodeOk(IPayloadDecoder decoder, string topicDeviceId, ReadOnlySpan<byte> payload)
    {
        var batch = new DecodedBatch();
        var ok = decoder.TryDecode(topicDeviceId, payload, batch, out var error);
        Assert.True(ok, $"decode failed: {error}");
        return Copy(batch);
    }

    public static DecodeError DecodeFails(IPayloadDecoder decoder, ReadOnlySpan<byte> payload)
    {
        var batch = new DecodedBatch();
        var ok = decoder.TryDecode("dev-1", payload, batch, out var error);
        Assert.False(ok, "decode should have failed");
        Assert.False(string.IsNullOrEmpty(error.Reason));
        return error;
    }

    public static DecodedReport[] Copy(DecodedBatch batch)
    {
        var result = new DecodedReport[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            ref var r = ref batch[i];
            result[i] = new DecodedReport(batch.DeviceId(r).ToString(), r, batch.Readings(r).ToArray());
        }

        return result;
    }
}
