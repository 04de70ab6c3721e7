using IoTFireAlert.Ingestion.Decoders;
using IoTFireAlert.Ingestion.Readings;

namespace IoTFireAlert.Ingestion.Tests.Decoders;

public sealed class DecoderRegistryTests
{
    [Fact]
    public void Load_ShippedConfig_MapsVendorsToFormats()
    {
        var registry = DecoderRegistry.Load(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "decoders.json")));

        Assert.True(registry.TryGet("dev/acme/x/up".AsSpan(4, 4), out var acme));
        Assert.True(registry.TryGet("nbiot-x", out var nbiot));
        Assert.True(registry.TryGet("gbt", out var gbt));
        Assert.Equal(("canonical-json", "tlv-v1", "gbt26875"), (acme.Format, nbiot.Format, gbt.Format));
        Assert.False(registry.TryGet("ACME", out _));
    }

    [Fact]
    public void TryGet_SpanLookup_AllocatesNothing()
    {
        var registry = DecoderRegistry.Load("""{"vendors":{"acme":"canonical-json"}}""");
        var topic = "dev/acme/dev-1/up";
        registry.TryGet(topic.AsSpan(4, 4), out _);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            Assert.True(registry.TryGet(topic.AsSpan(4, 4), out _));
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Load_ExtraFormat_AddingAVendorIsOneClassAndOneLine()
    {
        var registry = DecoderRegistry.Load("""{"vendors":{"newco":"newco-csv"}}""", [new HeartbeatOnlyDecoder()]);

        Assert.True(registry.TryGet("newco", out var decoder));
        Assert.Single(DecodedReport.DecodeOk(decoder, "n-1", "x"u8));
    }

    [Theory]
    [InlineData("""{"vendors":{"acme":"protobuf"}}""", "unknown format \"protobuf\"")]
    [InlineData("""{"vendors":{"acme":1}}""", "vendors.acme must be a format name")]
    [InlineData("""{"vendors":{"a/b":"tlv-v1"}}""", "not a valid MQTT topic level")]
    [InlineData("""{"vendor":{}}""", "expected {\"vendors\"")]
    [InlineData("{", "not valid JSON")]
    public void Load_BadConfig_ClearMessage(string json, string expected)
    {
        Assert.Contains(expected, Assert.Throws<DecoderConfigException>(() => DecoderRegistry.Load(json)).Message, StringComparison.Ordinal);
    }

    private sealed class HeartbeatOnlyDecoder : IPayloadDecoder
    {
        public string Format => "newco-csv";

        public bool TryDecode(ReadOnlySpan<char> topicDeviceId, ReadOnlySpan<byte> payload, DecodedBatch output, out DecodeError error)
        {
            output.BeginReport(topicDeviceId).Flags = ReportFlags.Heartbeat;
            error = default;
            return true;
        }
    }
}
