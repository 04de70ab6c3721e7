using System.Globalization;
using System.Text.Json;
using IoTFireAlert.Dispatch.Policy;

namespace IoTFireAlert.Dispatch.Fleet;

/// <summary>
/// Reads position fixes from the three inputs a fleet tracker uses, and validates them the same way
/// (coordinates in range and finite, speed and heading sane, timestamp neither older than
/// <see cref="FleetPositionLimits.MaxAge"/> nor further ahead than <see cref="FleetPositionLimits.MaxFuture"/>):
/// <list type="bullet">
/// <item>MQTT <c>fleet/{vehicleId}/pos</c>: <c>{"lat":..,"lon":..,"speed":km/h,"heading":..,"ts":unix ms or ISO-8601,"status":"available|busy|offline"}</c>.</item>
/// <item>Traccar's OsmAnd protocol, query or form body: <c>id</c>/<c>deviceid</c>, <c>lat</c>+<c>lon</c> or <c>location=lat,lon</c>,
/// <c>timestamp</c> (unix seconds, unix ms, ISO-8601 or "yyyy-MM-dd HH:mm:ss"), <c>speed</c> in knots, <c>bearing</c>/<c>heading</c>, <c>valid</c>;
/// and its JSON body (Traccar Client 9+): <c>{"location":{"timestamp":ISO,"coords":{"latitude","longitude","speed":m/s,"heading"}},"device_id":".."}</c>
/// (https://www.traccar.org/osmand/).</item>
/// <item>Traccar's position forwarding: <c>{"position":{"latitude","longitude","speed":knots,"course","fixTime"},"device":{"uniqueId"}}</c>.</item>
/// </list>
/// Whether the vehicle is registered is the caller's check (<see cref="FleetPositionResult.Unknown"/>).
/// </summary>
public sealed class FleetPositionParser
{
    private const double KnotsToKmh = 1.852;
    private const double MetersPerSecondToKmh = 3.6;
    private const double MaxSpeedKmh = 400;

    private readonly FleetPositionLimits _limits;
    private readonly TimeProvider _clock;

    public FleetPositionParser(FleetPositionLimits limits, TimeProvider clock)
    {
        _limits = limits ?? throw new ArgumentNullException(nameof(limits));
        _clock = clock ?? throw new ArgumentNullException(nameof(clock));
    }

    /// <summary>The vehicle id in <c>fleet/{vehicleId}/pos</c>.</summary>
    public static bool TryGetVehicleId(string topic, out string vehicleId)
    {
        vehicleId = string.Empty;
        if (topic is null || topic.Length < 11 || !topic.StartsWith("fleet/", StringComparison.Ordinal) || !topic.EndsWith("/pos", StringComparison.Ordinal))
        {
            return false;
        }

        var id = topic.AsSpan(6, topic.Length - 10);
        if (id.IsEmpty || id.IndexOfAny('/', '+', '#') >= 0)
        {
            return false;
        }

        vehicleId = id.ToString();
        return true;
    }

    /// <summary>An MQTT message on <c>fleet/{vehicleId}/pos</c>.</summary>
    public FleetPositionResult ParseMqtt(string topic, ReadOnlySpan<byte> payload)
    {
        if (!TryGetVehicleId(topic, out var vehicleId))
        {
            return FleetPositionResult.Fail(FleetPositionError.BadTopic, $"topic '{topic}' is not fleet/{{vehicleId}}/pos");
        }

        double lat = double.NaN, lon = double.NaN, speed = 0, heading = 0;
        bool hasLat = false, hasLon = false;
        long? ts = null;
        VehicleStatus? status = null;
        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return FleetPositionResult.Fail(FleetPositionError.Malformed, "payload is not a JSON object");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("lat"u8))
                {
                    reader.Read();
                    if (!TryNumber(ref reader, out lat))
                    {
                        return NotNumber("lat");
                    }

                    hasLat = true;
                }
                else if (reader.ValueTextEquals("lon"u8))
                {
                    reader.Read();
                    if (!TryNumber(ref reader, out lon))
                    {
                        return NotNumber("lon");
                    }

                    hasLon = true;
                }
                else if (reader.ValueTextEquals("speed"u8))
                {
                    reader.Read();
                    if (!TryNumber(ref reader, out speed))
                    {
                        return NotNumber("speed");
                    }
                }
                else if (reader.ValueTextEquals("heading"u8))
                {
                    reader.Read();
                    if (!TryNumber(ref reader, out heading))
                    {
                        return NotNumber("heading");
                    }
                }
                else if (reader.ValueTextEquals("ts"u8))
                {
                    reader.Read();
                    if (!TryTimestamp(ref reader, out var parsed))
                    {
                        return FleetPositionResult.Fail(FleetPositionError.BadTimestamp, "'ts' must be unix milliseconds or an ISO-8601 string");
                    }

                    ts = parsed;
                }
                else if (reader.ValueTextEquals("status"u8))
                {
                    reader.Read();
                    if (!TryStatus(ref reader, out var s))
                    {
                        return FleetPositionResult.Fail(FleetPositionError.BadStatus, "'status' must be available, busy or offline");
                    }

                    status = s;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException ex)
        {
            return FleetPositionResult.Fail(FleetPositionError.Malformed, $"invalid JSON: {ex.Message}");
        }

        if (!hasLat || !hasLon)
        {
            return FleetPositionResult.Fail(FleetPositionError.MissingCoordinates, "'lat' and 'lon' are required");
        }

        if (ts is null)
        {
            return FleetPositionResult.Fail(FleetPositionError.MissingTimestamp, "'ts' is required");
        }

        return Validate(vehicleId, lat, lon, speed, heading, ts.Value, status);
    }

    /// <summary>An OsmAnd request's query string (with or without '?') or form-encoded body.</summary>
    public FleetPositionResult ParseOsmAndQuery(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        string? id = null;
        double lat = double.NaN, lon = double.NaN, speedKnots = 0, heading = 0;
        bool hasLat = false, hasLon = false;
        long? ts = null;
        var valid = true;
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Decode(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? string.Empty : Decode(pair[(eq + 1)..]);
            switch (key)
            {
                case "id":
                case "deviceid":
                    id = value;
                    break;
                case "lat":
                    if (!TryDouble(value, out lat))
                    {
                        return NotNumber("lat");
                    }

                    hasLat = true;
                    break;
                case "lon":
                    if (!TryDouble(value, out lon))
                    {
                        return NotNumber("lon");
                    }

                    hasLon = true;
                    break;
                case "location":
                    var comma = value.IndexOf(',', StringComparison.Ordinal);
                    if (comma < 0 || !TryDouble(value[..comma], out lat) || !TryDouble(value[(comma + 1)..], out lon))
                    {
                        return FleetPositionResult.Fail(FleetPositionError.MissingCoordinates, $"'location' must be lat,lon: '{value}'");
                    }

                    hasLat = hasLon = true;
                    break;
                case "speed":
                    if (!TryDouble(value, out speedKnots))
                    {
                        return NotNumber("speed");
                    }

                    break;
                case "bearing":
                case "heading":
                    if (!TryDouble(value, out heading))
                    {
                        return NotNumber(key);
                    }

                    break;
                case "timestamp":
                    if (!TryTimestampText(value, out var parsed))
                    {
                        return FleetPositionResult.Fail(FleetPositionError.BadTimestamp, $"'timestamp' is not unix time or a date: '{value}'");
                    }

                    ts = parsed;
                    break;
                case "valid":
                    valid = value is "true" or "1" or "True" or "TRUE";
                    break;
                default:
                    // altitude, accuracy, hdop, batt, driverUniqueId, ...: not used for dispatch.
                    break;
            }
        }

        if (string.IsNullOrEmpty(id))
        {
            return FleetPositionResult.Fail(FleetPositionError.MissingVehicleId, "'id' (or 'deviceid') is required");
        }

        if (!hasLat || !hasLon)
        {
            return FleetPositionResult.Fail(FleetPositionError.MissingCoordinates, "'lat' and 'lon' (or 'location') are required");
        }

        if (!valid)
        {
            return FleetPositionResult.Fail(FleetPositionError.InvalidFix, "the device marked the fix invalid");
        }

        // Traccar takes the server time when a request has no timestamp.
        return Validate(id, lat, lon, speedKnots * KnotsToKmh, heading, ts ?? _clock.GetUtcNow().ToUnixTimeMilliseconds(), status: null);
    }

    /// <summary>The OsmAnd JSON body sent by Traccar Client 9+ (speed in m/s; -1 means unknown).</summary>
    public FleetPositionResult ParseOsmAndJson(ReadOnlySpan<byte> body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body.ToArray());
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("location", out var location) || location.ValueKind != JsonValueKind.Object)
            {
                return FleetPositionResult.Fail(FleetPositionError.Malformed, "expected {\"location\":{...},\"device_id\":..}");
            }

            var id = root.TryGetProperty("device_id", out var idElement) ? ScalarText(idElement) : null;
            if (string.IsNullOrEmpty(id))
            {
                return FleetPositionResult.Fail(FleetPositionError.MissingVehicleId, "'device_id' is required");
            }

            if (!location.TryGetProperty("coords", out var coords) || coords.ValueKind != JsonValueKind.Object
                || !coords.TryGetProperty("latitude", out var latElement) || !coords.TryGetProperty("longitude", out var lonElement))
            {
                return FleetPositionResult.Fail(FleetPositionError.MissingCoordinates, "'location.coords.latitude' and 'longitude' are required");
            }

            if (!TryNumber(latElement, out var lat))
            {
                return NotNumber("latitude");
            }

            if (!TryNumber(lonElement, out var lon))
            {
                return NotNumber("longitude");
            }

            double speed = 0, heading = 0;
            if (coords.TryGetProperty("speed", out var speedElement) && (!TryNumber(speedElement, out speed)))
            {
                return NotNumber("speed");
            }

            if (coords.TryGetProperty("heading", out var headingElement) && (!TryNumber(headingElement, out heading)))
            {
                return NotNumber("heading");
            }

            // The location SDK reports -1 for "not available".
            speed = speed < 0 && !double.IsNaN(speed) ? 0 : speed;
            heading = heading < 0 && !double.IsNaN(heading) ? 0 : heading;

            long ts;
            if (location.TryGetProperty("timestamp", out var tsElement))
            {
                var text = ScalarText(tsElement);
                if (text is null || !TryTimestampText(text, out ts))
                {
                    return FleetPositionResult.Fail(FleetPositionError.BadTimestamp, "'location.timestamp' must be ISO-8601");
                }
            }
            else
            {
                ts = _clock.GetUtcNow().ToUnixTimeMilliseconds();
            }

            return Validate(id, lat, lon, speed * MetersPerSecondToKmh, heading, ts, status: null);
        }
        catch (JsonException ex)
        {
            return FleetPositionResult.Fail(FleetPositionError.Malformed, $"invalid JSON: {ex.Message}");
        }
    }

    /// <summary>A Traccar position-forwarding POST (<c>forward.type=json</c>): speed in knots, <c>course</c>, <c>fixTime</c>.</summary>
    public FleetPositionResult ParseTraccarForward(ReadOnlySpan<byte> body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body.ToArray());
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("position", out var position) || position.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("device", out var device) || device.ValueKind != JsonValueKind.Object)
            {
                return FleetPositionResult.Fail(FleetPositionError.Malformed, "expected {\"position\":{...},\"device\":{...}}");
            }

            var id = device.TryGetProperty("uniqueId", out var idElement) ? ScalarText(idElement) : null;
            if (string.IsNullOrEmpty(id))
            {
                return FleetPositionResult.Fail(FleetPositionError.MissingVehicleId, "'device.uniqueId' is required");
            }

            if (!position.TryGetProperty("latitude", out var latElement) || !position.TryGetProperty("longitude", out var lonElement))
            {
                return FleetPositionResult.Fail(FleetPositionError.MissingCoordinates, "'position.latitude' and 'longitude' are required");
            }

            if (!TryNumber(latElement, out var lat))
            {
                return NotNumber("latitude");
            }

            if (!TryNumber(lonElement, out var lon))
            {
                return NotNumber("longitude");
            }

            double speedKnots = 0, course = 0;
            if (position.TryGetProperty("speed", out var speedElement) && !TryNumber(speedElement, out speedKnots))
            {
                return NotNumber("speed");
            }

            if (position.TryGetProperty("course", out var courseElement) && !TryNumber(courseElement, out course))
            {
                return NotNumber("course");
            }

            if (position.TryGetProperty("valid", out var validElement) && validElement.ValueKind == JsonValueKind.False)
            {
                return FleetPositionResult.Fail(FleetPositionError.InvalidFix, "Traccar marked the fix invalid");
            }

            if (!position.TryGetProperty("fixTime", out var fixElement))
            {
                return FleetPositionResult.Fail(FleetPositionError.MissingTimestamp, "'position.fixTime' is required");
            }

            var fixText = ScalarText(fixElement);
            if (fixText is null || !TryTimestampText(fixText, out var ts))
            {
                return FleetPositionResult.Fail(FleetPositionError.BadTimestamp, "'position.fixTime' must be ISO-8601 or unix milliseconds");
            }

            return Validate(id, lat, lon, speedKnots * KnotsToKmh, course, ts, status: null);
        }
        catch (JsonException ex)
        {
            return FleetPositionResult.Fail(FleetPositionError.Malformed, $"invalid JSON: {ex.Message}");
        }
    }

    private FleetPositionResult Validate(string id, double lat, double lon, double speedKmh, double heading, long tsMs, VehicleStatus? status)
    {
        if (double.IsNaN(lat) || double.IsNaN(lon) || double.IsNaN(speedKmh) || double.IsNaN(heading))
        {
            return FleetPositionResult.Fail(FleetPositionError.NotANumber, "a coordinate, speed or heading is NaN");
        }

        if (!(lat is >= -90.0 and <= 90.0))
        {
            return FleetPositionResult.Fail(FleetPositionError.LatitudeOutOfRange, $"latitude {lat.ToString(CultureInfo.InvariantCulture)} is outside [-90, 90]");
        }

        if (!(lon is >= -180.0 and <= 180.0))
        {
            return FleetPositionResult.Fail(FleetPositionError.LongitudeOutOfRange, $"longitude {lon.ToString(CultureInfo.InvariantCulture)} is outside [-180, 180]");
        }

        if (!(speedKmh is >= 0 and <= MaxSpeedKmh))
        {
            return FleetPositionResult.Fail(FleetPositionError.SpeedOutOfRange, $"speed {speedKmh.ToString("0.#", CultureInfo.InvariantCulture)} km/h is outside [0, {MaxSpeedKmh}]");
        }

        if (!(heading is >= 0 and <= 360))
        {
            return FleetPositionResult.Fail(FleetPositionError.HeadingOutOfRange, $"heading {heading.ToString(CultureInfo.InvariantCulture)} is outside [0, 360]");
        }

        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        if (now - tsMs > (long)_limits.MaxAge.TotalMilliseconds)
        {
            return FleetPositionResult.Fail(FleetPositionError.StaleTimestamp, $"fix is {(now - tsMs) / 1000} s old (limit {_limits.MaxAge.TotalSeconds} s)");
        }

        if (tsMs - now > (long)_limits.MaxFuture.TotalMilliseconds)
        {
            return FleetPositionResult.Fail(FleetPositionError.FutureTimestamp, $"fix is {(tsMs - now) / 1000} s ahead of the server clock (limit {_limits.MaxFuture.TotalSeconds} s)");
        }

        return FleetPositionResult.Ok(new FleetPosition(id, lat, lon, speedKmh, heading == 360 ? 0 : heading, tsMs, status));
    }

    private static FleetPositionResult NotNumber(string field) =>
        FleetPositionResult.Fail(FleetPositionError.NotANumber, $"'{field}' is not a number");

    private static bool TryNumber(ref Utf8JsonReader reader, out double value)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            return reader.TryGetDouble(out value);
        }

        value = double.NaN;
        if (reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        // Some trackers quote numbers; "NaN" parses here and is rejected by validation.
        if (reader.ValueSpan.Length > 64 || reader.ValueIsEscaped)
        {
            return false;
        }

        Span<char> buffer = stackalloc char[64];
        var length = reader.CopyString(buffer);
        return double.TryParse(buffer[..length], NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    private static bool TryNumber(JsonElement element, out double value)
    {
        value = double.NaN;
        return element.ValueKind switch
        {
            JsonValueKind.Number => element.TryGetDouble(out value),
            JsonValueKind.String => double.TryParse(element.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value),
            _ => false,
        };
    }

    private static bool TryTimestamp(ref Utf8JsonReader reader, out long unixMs)
    {
        unixMs = 0;
        if (reader.TokenType == JsonTokenType.Number)
        {
            return reader.TryGetInt64(out var raw) && TryUnix(raw, out unixMs);
        }

        return reader.TokenType == JsonTokenType.String && TryTimestampText(reader.GetString()!, out unixMs);
    }

    private static bool TryStatus(ref Utf8JsonReader reader, out VehicleStatus status)
    {
        status = default;
        if (reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        if (reader.ValueTextEquals("available"u8))
        {
            status = VehicleStatus.Available;
        }
        else if (reader.ValueTextEquals("busy"u8))
        {
            status = VehicleStatus.Busy;
        }
        else if (reader.ValueTextEquals("offline"u8))
        {
            status = VehicleStatus.Offline;
        }
        else
        {
            return false;
        }

        return true;
    }

    /// <summary>Traccar's rule: an integer below 2^31 is unix seconds, above is milliseconds.</summary>
    private static bool TryUnix(long raw, out long unixMs)
    {
        unixMs = raw < int.MaxValue ? raw * 1000 : raw;
        return raw >= 0 && unixMs <= 253_402_300_799_999;
    }

    private static bool TryTimestampText(string text, out long unixMs)
    {
        unixMs = 0;
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var raw))
        {
            return TryUnix(raw, out unixMs);
        }

        if (DateTimeOffset.TryParseExact(text, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var plain)
            || (text.Contains('T', StringComparison.Ordinal)
                && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out plain)))
        {
            unixMs = plain.ToUnixTimeMilliseconds();
            return true;
        }

        return false;
    }

    private static bool TryDouble(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    private static string? ScalarText(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.GetRawText(),
        _ => null,
    };

    private static string Decode(string component) =>
        Uri.UnescapeDataString(component.Replace('+', ' '));
}
