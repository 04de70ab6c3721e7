namespace IoTFireAlert.Ingestion.Decoders;

/// <summary>
/// Why a payload was rejected. <see cref="Reason"/> is a fixed sentence (no allocation on the
/// error path) meant for the vendor reading the dead letters; <see cref="Offset"/> is the byte
/// where decoding stopped, or -1.
/// </summary>
public readonly record struct DecodeError(string Reason, int Offset = -1)
{
    public override string ToString() => Offset >= 0 ? $"{Reason} (at byte {Offset})" : Reason;
}
