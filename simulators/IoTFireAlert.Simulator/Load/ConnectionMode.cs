namespace IoTFireAlert.Simulator.Load;

/// <summary>
/// --connections: a few multiplexed connections for the highest rate (devices hash to one, so
/// each device's messages keep their order), or one connection per device as in the field.
/// </summary>
public readonly record struct ConnectionMode(bool PerDevice, int Count)
{
    public static ConnectionMode Parse(string text)
    {
        if (string.Equals(text, "per-device", StringComparison.OrdinalIgnoreCase))
        {
            return new ConnectionMode(true, 0);
        }

        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count) && count is > 0 and <= 1024
            ? new ConnectionMode(false, count)
            : throw new FormatException($"--connections must be 'per-device' or a number of connections 1-1024, not '{text}'");
    }
}
