using System.Buffers.Binary;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using IoTFireAlert.Ingestion.Decoders;
using IoTFireAlert.Ingestion.Readings;

namespace IoTFireAlert.Ingestion.Tests.Decoders;

/// <summary>Garbage in, a clean verdict out: never an exception, never a hang.</summary>
public sealed class DecoderFuzzTests
{
    private static readonly IPayloadDecoder[] s_decoders = [new CanonicalJsonDecoder(), new TlvDecoder(), new Gbt26875Decoder()];

    private static readonly Config s_config = Config.QuickThrowOnFailure.WithMaxTest(2000);

    [Fact]
    public void TryDecode_RandomBytes_NeverThrows()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), bytes => DecodesCleanly(bytes)).Check(s_config);
    }

    [Fact]
    public void TryDecode_MutatedJson_NeverThrows()
    {
        var seed = Encoding.UTF8.GetBytes(
            """{"v":1,"ts":1732250000000,"seq":42,"kind":"charging_pile","cable_temp_c":[41.5,null,39.8],"ports":[{"port":1,"temp_c":48.2}],"x":{"y":[1,{"z":"\u0041"}]},"smoke":true}""");
        Prop.ForAll(ArbMap.Default.ArbFor<(int, byte)[]>(), edits => DecodesCleanly(Mutate(seed, edits))).Check(s_config);
    }

    [Fact]
    public void TryDecode_MutatedTlvWithValidCrc_NeverThrows()
    {
        byte[] seed = [0x46, 0x41, 0x01, 0x04, 0x00, 0, 0, 0, 1, 0x67, 0x40, 0x09, 0x90, 0x03, 0x02, 0x00, 0x55, 0x08, 0x03, 0x01, 0x01, 0x9F, 0x0D, 0x05, 0x02, 0, 0, 1, 0, 0, 0];
        Prop.ForAll(ArbMap.Default.ArbFor<(int, byte)[]>(), edits =>
        {
            var frame = Mutate(seed, edits);
            if (frame.Length >= 2)
            {
                BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(frame.Length - 2), Crc16CcittFalse.Compute(frame.AsSpan(0, frame.Length - 2)));
            }

            return DecodesCleanly(frame);
        }).Check(s_config);
    }

    [Fact]
    public void TryDecode_MutatedGbtWithValidChecksum_NeverThrows()
    {
        var seed = new byte[30 + 2 + 46];
        "@@"u8.CopyTo(seed);
        seed[24] = 48;
        seed[26] = 2;
        seed[27] = 2;
        seed[28] = 1;
        Prop.ForAll(ArbMap.Default.ArbFor<(int, byte)[]>(), edits =>
        {
            var frame = Mutate(seed, edits);
            if (frame.Length >= 30)
            {
                // Keep the frame consistent so the object parser, not the checksum, meets the garbage.
                BinaryPrimitives.WriteUInt16LittleEndian(frame.AsSpan(24), (ushort)(frame.Length - 30));
                frame[0] = frame[1] = (byte)'@';
                frame[^1] = frame[^2] = (byte)'#';
                byte sum = 0;
                foreach (var b in frame.AsSpan(2, frame.Length - 5))
                {
                    sum += b;
                }

                frame[^3] = sum;
            }

            return DecodesCleanly(frame);
        }).Check(s_config);
    }

    private static byte[] Mutate(byte[] seed, (int Index, byte Value)[] edits)
    {
        var bytes = new List<byte>(seed);
        foreach (var (index, value) in edits ?? [])
        {
            var at = (int)((uint)index % (uint)(bytes.Count + 1));
            switch (value % 3)
            {
                case 0 when at < bytes.Count:
                    bytes[at] = value;
                    break;
                case 1:
                    bytes.Insert(at, value);
                    break;
                default:
                    if (at < bytes.Count)
                    {
                        bytes.RemoveAt(at);
                    }

                    break;
            }
        }

        return [.. bytes];
    }

    private static bool DecodesCleanly(byte[]? bytes)
    {
        bytes ??= [];
        foreach (var decoder in s_decoders)
        {
            var batch = new DecodedBatch();
            if (decoder.TryDecode("dev", bytes, batch, out var error))
            {
                for (var i = 0; i < batch.Count; i++)
                {
                    foreach (var reading in batch.Readings(batch[i]))
                    {
                        if (!double.IsFinite(reading.Value))
                        {
                            return false;
                        }
                    }
                }
            }
            else if (string.IsNullOrEmpty(error.Reason) || error.Offset < 0 || error.Offset > bytes.Length)
            {
                return false;
            }
        }

        return true;
    }
}
