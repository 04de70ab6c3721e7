using System.Net.Http.Headers;
using System.Text;
using IoTFireAlert.Telemetry.LineProtocol;

namespace IoTFireAlert.Telemetry.InfluxDb;

/// <summary>URLs and credentials for the write and query APIs of each version.</summary>
internal static class InfluxDbEndpoints
{
    public static Uri Write(InfluxDbOptions options)
    {
        var precision = options.Precision.QueryValue();
        var path = options.ApiVersion == InfluxApiVersion.V2
            ? $"api/v2/write?org={Uri.EscapeDataString(options.Org!)}&bucket={Uri.EscapeDataString(options.Bucket!)}&precision={precision}"
            : $"write?db={Uri.EscapeDataString(options.Database)}"
              + (string.IsNullOrEmpty(options.RetentionPolicy) ? "" : $"&rp={Uri.EscapeDataString(options.RetentionPolicy)}")
              + $"&precision={precision}";
        return new Uri(Base(options), path);
    }

    public static Uri Query(InfluxDbOptions options, string query) => options.ApiVersion == InfluxApiVersion.V2
        ? new Uri(Base(options), $"api/v2/query?org={Uri.EscapeDataString(options.Org!)}")
        : new Uri(Base(options), $"query?db={Uri.EscapeDataString(options.Database)}"
            + (string.IsNullOrEmpty(options.RetentionPolicy) ? "" : $"&rp={Uri.EscapeDataString(options.RetentionPolicy)}")
            + $"&epoch=ms&q={Uri.EscapeDataString(query)}");

    public static AuthenticationHeaderValue? Authorization(InfluxDbOptions options)
    {
        if (options.ApiVersion == InfluxApiVersion.V2)
        {
            return string.IsNullOrEmpty(options.Token) ? null : new AuthenticationHeaderValue("Token", options.Token);
        }

        return string.IsNullOrEmpty(options.Username)
            ? null
            : new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.Username}:{options.Password}")));
    }

    private static Uri Base(InfluxDbOptions options) => new(options.Url.EndsWith('/') ? options.Url : options.Url + "/");
}
