namespace IoTFireAlert.Server.Hazards;

/// <summary>The site codes, as stored and as the API shows them.</summary>
public static class RiskCodes
{
    public const string Red = "red";
    public const string Yellow = "yellow";
    public const string Green = "green";

    public static bool IsKnown(string code) => code is Red or Yellow or Green;
}
