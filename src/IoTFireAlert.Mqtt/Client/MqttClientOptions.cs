namespace IoTFireAlert.Mqtt;

/// <summary>How <see cref="MqttClient"/> connects and how much it buffers. Validated by the client's constructor.</summary>
public sealed class MqttClientOptions
{
    public string Host { get; set; } = "127.0.0.1";
    public int Port { get; set; } = 1883;

    /// <summary>Empty lets an MQTT 5 broker assign one (kept for reconnects); 3.1.1 then needs <see cref="CleanStart"/>.</summary>
    public string ClientId { get; set; } = "";
    public MqttProtocolVersion ProtocolVersion { get; set; } = MqttProtocolVersion.V500;

    /// <summary>False resumes a persistent session (3.1.1 Clean Session = 0; 5 Clean Start = 0).</summary>
    public bool CleanStart { get; set; } = true;

    /// <summary>MQTT 5 Session Expiry Interval; 0 ends the session with the connection (uint.MaxValue: never).</summary>
    public uint SessionExpirySeconds { get; set; }
    public ushort KeepAliveSeconds { get; set; } = 30;
    public string? Username { get; set; }
    public string? Password { get; set; }
    public MqttTlsOptions? Tls { get; set; }
    public MqttWillMessage? Will { get; set; }

    /// <summary>Capacity of <see cref="MqttClient.Messages"/>; when full the client stops reading the socket.</summary>
    public int InboundCapacity { get; set; } = 4096;

    /// <summary>
    /// How many QoS 1/2 messages may be received and not yet acknowledged (sent to an MQTT 5
    /// broker as Receive Maximum, §3.1.2.11.3). With 3.1.1 the client enforces it by pausing reads.
    /// </summary>
    public ushort ReceiveMaximum { get; set; } = 4096;

    /// <summary>
    /// Largest packet accepted. MQTT 5 sends it as Maximum Packet Size (§3.1.2.11.4) and the broker
    /// drops larger messages; a larger packet closes the connection as a protocol error. MQTT 3.1.1
    /// has no such field: an oversize PUBLISH is acknowledged, skipped and reported through
    /// <see cref="MqttClient.OversizeMessageDiscarded"/>; any other oversize packet closes the connection.
    /// </summary>
    public int MaximumPacketSize { get; set; } = 1 << 20;

    /// <summary>MQTT 5 Topic Alias Maximum offered to the broker for messages it sends us.</summary>
    public ushort TopicAliasMaximum { get; set; } = 64;

    /// <summary>Upper bound on outbound QoS 1/2 in flight (the broker's Receive Maximum lowers it further).</summary>
    public int MaximumOutboundInFlight { get; set; } = 65535;

    /// <summary>QoS 0 publications queued but not yet written; callers wait beyond it.</summary>
    public int OutboundQueueCapacity { get; set; } = 8192;
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);
    public IReadOnlyList<MqttUserProperty>? ConnectUserProperties { get; set; }

    /// <summary>
    /// Reads a plain TCP connection on a thread of its own that lets small reads gather for a millisecond
    /// while messages keep coming: one wake-up a read instead of two, and a read a millisecond at most under
    /// load (see <c>MqttSocketReader</c>). For a client that receives a lot on one connection, such as a
    /// server's ingress; a thread per connection would not suit thousands of connections. Ignored with TLS.
    /// The reader of <see cref="MqttClient.Messages"/> is then woken on that thread and runs there until it
    /// next waits: it should hand messages on, not work on them.
    /// </summary>
    public bool ReceiveThread { get; set; }

    /// <summary>Null disables reconnecting: a lost connection then stays lost.</summary>
    public MqttReconnectOptions? Reconnect { get; set; } = new();

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Host))
        {
            throw new ArgumentException("MqttClientOptions.Host is required.");
        }

        if (Port is <= 0 or > 65535)
        {
            throw new ArgumentException($"MqttClientOptions.Port {Port} is not a TCP port.");
        }

        if (ProtocolVersion is not (MqttProtocolVersion.V311 or MqttProtocolVersion.V500))
        {
            throw new ArgumentException($"MqttClientOptions.ProtocolVersion {ProtocolVersion} is not supported.");
        }

        if (ProtocolVersion == MqttProtocolVersion.V311 && ClientId.Length == 0 && !CleanStart)
        {
            throw new ArgumentException("MQTT 3.1.1 needs a ClientId for a persistent session (§3.1.3.1).");
        }

        if (InboundCapacity < 1 || ReceiveMaximum < 1 || MaximumPacketSize < 64 || MaximumOutboundInFlight < 1 || OutboundQueueCapacity < 1)
        {
            throw new ArgumentException("MqttClientOptions capacities must be positive (MaximumPacketSize at least 64).");
        }
    }
}
