namespace IoTFireAlert.Ingestion.Decoders;

/// <summary>
/// GB/T 26875.3-2011 (urban fire remote monitoring, user information transmission device
/// protocol) frame layout and code tables used by the decoder and encoder. All multi-byte fields
/// are low byte first.
/// </summary>
public static class Gbt26875
{
    /// <summary>"@@", serial 2, version 2, time 6, source 6, destination 6, length 2, command 1.</summary>
    public const int HeaderLength = 27;
    /// <summary>Header, checksum 1, "##".</summary>
    public const int FrameOverhead = HeaderLength + 3;
    public const int MaxDataLength = 1024;

    // Commands (§ 7.2 control unit, command byte).
    public const byte CommandControl = 1;
    public const byte CommandSendData = 2;
    public const byte CommandConfirm = 3;
    public const byte CommandRequest = 4;
    public const byte CommandResponse = 5;
    public const byte CommandDeny = 6;

    // Information object type flags (§ 8.1.1) and object sizes including their 6-byte time label.
    public const byte TypeSystemState = 1;
    public const byte TypeComponentState = 2;
    public const byte TypeComponentAnalog = 3;
    public const byte TypeTransmissionDeviceState = 21;
    public const int SystemStateSize = 4 + 6;
    public const int ComponentStateSize = 40 + 6;
    public const int ComponentAnalogSize = 10 + 6;
    public const int TransmissionDeviceStateSize = 1 + 6;
    public const int DescriptionLength = 31;

    // Component and system state bits (§ 8.2.1.1 / 8.2.1.2).
    public const ushort StateNormal = 0x0001; // 1 = normal running, 0 = test
    public const ushort StateFire = 0x0002;
    public const ushort StateFault = 0x0004;

    // Analog value types (§ 8.2.1.3) this decoder maps; others are skipped.
    public const byte AnalogGasConcentration = 6; // 0.1 %LEL
    public const byte AnalogTemperature = 3; // 0.1 degC
    public const byte AnalogVoltage = 8; // 0.1 V
    public const byte AnalogCurrent = 9; // 0.1 A

    // Component types (§ 8.2.1.2 table).
    public const byte ComponentCombustibleGasDetector = 10;
    public const byte ComponentPointGasDetector = 11;
    public const byte ComponentElectricalFireMonitor = 16;
    public const byte ComponentResidualCurrentMonitor = 17;
    public const byte ComponentTemperatureElectricalMonitor = 18;
    public const byte ComponentManualCallPoint = 23;
    public const byte ComponentHeatDetectorFirst = 30;
    public const byte ComponentHeatDetectorLast = 37;
    public const byte ComponentSmokeDetectorFirst = 40;
    public const byte ComponentSmokeDetectorLast = 44;
}
