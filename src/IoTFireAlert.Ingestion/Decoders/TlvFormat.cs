namespace IoTFireAlert.Ingestion.Decoders;

/// <summary>
/// The compact binary format "tlv-v1" (docs/vendor-contract.md): big-endian header, TLV items,
/// CRC-16/CCITT-FALSE trailer. Item type codes and fixed value lengths.
/// </summary>
public static class TlvFormat
{
    public const byte Magic0 = (byte)'F';
    public const byte Magic1 = (byte)'A';
    public const byte Version = 1;
    public const int HeaderLength = 13;
    public const int CrcLength = 2;
    public const int MinimumLength = HeaderLength + CrcLength;

    /// <summary>Header flags byte.</summary>
    public const byte FlagTest = 0x01;
    public const byte FlagHeartbeat = 0x02;

    /// <summary>Value: mask u8 (which flags are reported), state u8. Bits: 0 smoke, 1 fire, 2 manual call point, 3 heat, 4 gas, 5 tamper, 6 fault.</summary>
    public const byte AlarmStatus = 0x01;
    /// <summary>u8 percent.</summary>
    public const byte BatteryPercent = 0x02;
    /// <summary>u16 mA.</summary>
    public const byte ResidualCurrent = 0x03;
    /// <summary>channel u8, i16 0.1 degC.</summary>
    public const byte CableTemperature = 0x04;
    /// <summary>channel u8, u16 0.1 V.</summary>
    public const byte Voltage = 0x05;
    /// <summary>channel u8, i16 0.1 A.</summary>
    public const byte Current = 0x06;
    /// <summary>i16 0.1 degC.</summary>
    public const byte Temperature = 0x07;
    /// <summary>port u8, i16 0.1 degC.</summary>
    public const byte PortTemperature = 0x08;
    /// <summary>u16 0.1 %LEL.</summary>
    public const byte GasLel = 0x09;
    /// <summary>i8 dBm.</summary>
    public const byte SignalStrength = 0x0A;
    /// <summary>u16 0.001 dB/m.</summary>
    public const byte SmokeDensity = 0x0B;
    /// <summary>port u8 (0 = whole pile), u16 mA.</summary>
    public const byte PileLeakage = 0x0C;
    /// <summary>port u8, u32 W.</summary>
    public const byte PortPower = 0x0D;

    /// <summary>The value length a known type requires, or -1 for unknown types (skipped by their length).</summary>
    public static int ValueLength(byte type) => type switch
    {
        AlarmStatus => 2,
        BatteryPercent => 1,
        ResidualCurrent => 2,
        CableTemperature => 3,
        Voltage => 3,
        Current => 3,
        Temperature => 2,
        PortTemperature => 3,
        GasLel => 2,
        SignalStrength => 1,
        SmokeDensity => 2,
        PileLeakage => 3,
        PortPower => 5,
        _ => -1,
    };
}
