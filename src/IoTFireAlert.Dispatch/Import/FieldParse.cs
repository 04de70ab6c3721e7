using System.Globalization;
using System.Text.Json;

namespace IoTFireAlert.Dispatch.Import;

/// <summary>Shared field checks for JSON and CSV imports, each failing with a message naming the field.</summary>
internal static class FieldParse
{
    public static bool TryCoordinate(string field, string text, double min, double max, out double value, out string? error)
    {
        error = null;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            error = $"'{field}' is not a number: '{text}'";
            return false;
        }

        return CheckRange(field, value, min, max, out error);
    }

    public static bool CheckRange(string field, double value, double min, double max, out string? error)
    {
        error = null;
        if (!double.IsFinite(value))
        {
            error = $"'{field}' is not a finite number";
            return false;
        }

        if (value < min || value > max)
        {
            error = $"'{field}' {value.ToString(CultureInfo.InvariantCulture)} is out of range [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}]";
            return false;
        }

        return true;
    }

    public static bool TryEnum<TEnum>(string field, string? text, out TEnum value, out string? error)
        where TEnum : struct, Enum
    {
        error = null;
        var normalized = text?.Replace("_", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal).Trim();
        if (string.IsNullOrEmpty(normalized)
            || normalized.AsSpan().IndexOfAnyInRange('0', '9') >= 0
            || !Enum.TryParse(normalized, ignoreCase: true, out value))
        {
            value = default;
            error = $"'{field}' must be one of {string.Join(", ", Enum.GetNames<TEnum>())}, got '{text}'";
            return false;
        }

        return true;
    }

    public static bool TryNumber(JsonElement element, string field, out double value, out string? error)
    {
        error = null;
        value = double.NaN;
        if (element.ValueKind == JsonValueKind.Number && element.TryGetDouble(out value))
        {
            return true;
        }

        if (element.ValueKind == JsonValueKind.String
            && double.TryParse(element.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }

        error = $"'{field}' must be a number, got {element.ValueKind} {element.GetRawText()}";
        return false;
    }

    public static bool TryTimestamp(string field, string text, out DateTimeOffset value, out string? error)
    {
        error = null;
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var unix))
        {
            // Unix seconds below ~2038 in seconds, else milliseconds (the Traccar convention).
            const long MaxUnixMs = 253_402_300_799_999;
            if (unix < 0 || unix > MaxUnixMs)
            {
                value = default;
                error = $"'{field}' unix time {unix} is out of range";
                return false;
            }

            value = unix < int.MaxValue ? DateTimeOffset.FromUnixTimeSeconds(unix) : DateTimeOffset.FromUnixTimeMilliseconds(unix);
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value))
        {
            return true;
        }

        error = $"'{field}' is neither unix time nor ISO-8601: '{text}'";
        return false;
    }
}
