namespace IoTFireAlert.Telemetry.InfluxDb;

/// <summary>Which write API to speak.</summary>
public enum InfluxApiVersion : byte
{
    /// <summary>InfluxDB 1.x: <c>/write?db=&amp;rp=&amp;precision=</c>, user and password (Basic auth).</summary>
    V1 = 1,

    /// <summary>InfluxDB 2.x / 3.x (and VictoriaMetrics): <c>/api/v2/write?org=&amp;bucket=&amp;precision=</c>, <c>Authorization: Token ...</c>.</summary>
    V2 = 2,
}
