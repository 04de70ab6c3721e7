using System.Security.Cryptography.X509Certificates;
using IoTFireAlert.Mqtt;

namespace IoTFireAlert.Server.Hosting;

/// <summary>Configuration section "Mqtt": how the server reaches the broker.</summary>
public sealed class MqttSettings
{
    public string Host { get; set; } = "127.0.0.1";
    public int Port { get; set; } = 1883;
    public string ClientId { get; set; } = "iotfire-server-1";

    /// <summary>4 for MQTT 3.1.1, 5 for MQTT 5.0.</summary>
    public int ProtocolVersion { get; set; } = 5;

    /// <summary>Shared-subscription group: N servers with the same group split the devices; empty subscribes plainly.</summary>
    public string? SharedGroup { get; set; } = "iotfire";

    /// <summary>How long the broker keeps our session (and queues QoS 1 messages) while we are away.</summary>
    public uint SessionExpirySeconds { get; set; } = 86_400;

    public ushort KeepAliveSeconds { get; set; } = 30;
    public string? Username { get; set; }
    public string? Password { get; set; }
    public bool UseTls { get; set; }
    public string? CaCertificatePath { get; set; }
    public string? ClientCertificatePath { get; set; }
    public string? ClientKeyPath { get; set; }

    /// <summary>Messages received but not yet taken by the pipeline; past this the client stops reading the socket.</summary>
    public int InboundCapacity { get; set; } = 8192;

    /// <summary>
    /// The broker connection is read on a thread of its own that lets small reads gather for a millisecond
    /// while messages keep coming (plain TCP; TLS always reads through the socket engine). False reads
    /// through the socket engine: two wake-ups a read, none of the millisecond.
    /// </summary>
    public bool ReceiveThread { get; set; } = true;

    public string? Validate()
    {
        if (string.IsNullOrWhiteSpace(Host) || Port is < 1 or > 65535)
        {
            return "Mqtt:Host and Mqtt:Port (1..65535) are required";
        }

        if (ProtocolVersion is not (4 or 5))
        {
            return "Mqtt:ProtocolVersion must be 4 (3.1.1) or 5";
        }

        if (string.IsNullOrWhiteSpace(ClientId) || ClientId.Length > 128)
        {
            return "Mqtt:ClientId is required (a stable id: the broker keeps our persistent session under it)";
        }

        if (SharedGroup is { Length: > 0 } group && (group.Contains('/', StringComparison.Ordinal) || group.Contains('+', StringComparison.Ordinal) || group.Contains('#', StringComparison.Ordinal)))
        {
            return "Mqtt:SharedGroup may not contain '/', '+' or '#'";
        }

        foreach (var (name, path) in new[] { ("CaCertificatePath", CaCertificatePath), ("ClientCertificatePath", ClientCertificatePath), ("ClientKeyPath", ClientKeyPath) })
        {
            if (path is not null && !File.Exists(path))
            {
                return $"Mqtt:{name} '{path}' does not exist";
            }
        }

        return InboundCapacity is < 16 or > 10_000_000 ? "Mqtt:InboundCapacity must be within 16..10000000" : null;
    }

    public string Filter(string topicFilter) => string.IsNullOrEmpty(SharedGroup) ? topicFilter : $"$share/{SharedGroup}/{topicFilter}";

    public MqttClientOptions ToClientOptions() => new()
    {
        Host = Host,
        Port = Port,
        ClientId = ClientId,
        ProtocolVersion = ProtocolVersion == 4 ? MqttProtocolVersion.V311 : MqttProtocolVersion.V500,
        CleanStart = false,
        SessionExpirySeconds = SessionExpirySeconds,
        KeepAliveSeconds = KeepAliveSeconds,
        Username = Username,
        Password = Password,
        InboundCapacity = InboundCapacity,
        ReceiveThread = ReceiveThread,
        Tls = UseTls ? new MqttTlsOptions
        {
            TargetHost = Host,
            CaCertificate = CaCertificatePath is null ? null : X509CertificateLoader.LoadCertificateFromFile(CaCertificatePath),
            ClientCertificate = ClientCertificatePath is null ? null
                : ClientKeyPath is null ? X509CertificateLoader.LoadPkcs12FromFile(ClientCertificatePath, null)
                : X509Certificate2.CreateFromPemFile(ClientCertificatePath, ClientKeyPath),
        } : null,
    };
}
