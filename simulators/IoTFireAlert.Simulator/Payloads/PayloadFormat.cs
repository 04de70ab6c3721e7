namespace IoTFireAlert.Simulator.Payloads;

/// <summary>The payload formats the server's decoders read (config/decoders.json names them).</summary>
public enum PayloadFormat
{
    CanonicalJson,
    Tlv,
    Gbt26875,
}
