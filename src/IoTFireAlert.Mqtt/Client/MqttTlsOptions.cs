using System.Security.Cryptography.X509Certificates;

namespace IoTFireAlert.Mqtt;

/// <summary>TLS for the broker connection (SslStream).</summary>
public sealed class MqttTlsOptions
{
    /// <summary>Trust exactly this CA for the broker's certificate (a private PKI); null uses the system store.</summary>
    public X509Certificate2? CaCertificate { get; set; }

    /// <summary>Client certificate with its private key, for brokers that require mutual TLS.</summary>
    public X509Certificate2? ClientCertificate { get; set; }

    /// <summary>Name checked against the broker's certificate; defaults to <see cref="MqttClientOptions.Host"/>.</summary>
    public string? TargetHost { get; set; }

    /// <summary>Accept any broker certificate. For tests and lab brokers only.</summary>
    public bool AllowUntrusted { get; set; }

    public System.Security.Authentication.SslProtocols Protocols { get; set; } = System.Security.Authentication.SslProtocols.None;
}
