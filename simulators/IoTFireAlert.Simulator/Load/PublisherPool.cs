using IoTFireAlert.Mqtt;

namespace IoTFireAlert.Simulator.Load;

/// <summary>
/// The simulator's MQTT connections and which one a device publishes on. Per-device mode opens
/// one connection per publishing device (client id = device id), thousands of them: all are
/// asynchronous (no thread per connection) and opened 64 at a time so the broker's accept queue
/// is not flooded. A connection that cannot be opened counts as an error; its device's messages too.
/// </summary>
public sealed class PublisherPool
{
    private readonly PublisherConnection[] _connections;
    private readonly Dictionary<string, int>? _byClientKey;

    private PublisherPool(PublisherConnection[] connections, Dictionary<string, int>? byClientKey)
    {
        _connections = connections;
        _byClientKey = byClientKey;
    }

    public int Count => _connections.Length;

    /// <summary>
    /// Opens the connections of <paramref name="mode"/>: <paramref name="template"/> gives broker,
    /// credentials and TLS (client id and buffers are set per connection); in per-device mode
    /// <paramref name="clientKeys"/> are the publishing devices (and vehicles), one connection each.
    /// </summary>
    public static async Task<PublisherPool> OpenAsync(MqttClientOptions template, ConnectionMode mode, IReadOnlyList<string> clientKeys, RunFigures figures, CancellationToken cancellationToken)
    {
        var perDevice = mode.PerDevice;
        var count = perDevice ? clientKeys.Count : mode.Count;
        var connections = new PublisherConnection[count];
        var runTag = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        for (var i = 0; i < count; i++)
        {
            var options = Copy(template);
            options.ClientId = perDevice ? clientKeys[i] : $"iotfire-sim-{runTag}-{i}";
            if (perDevice)
            {
                // A device sends a message every few seconds at most: small buffers, thousands of connections.
                options.InboundCapacity = 16;
                options.ReceiveMaximum = 16;
                options.OutboundQueueCapacity = 64;
                options.MaximumOutboundInFlight = 64;
                options.KeepAliveSeconds = 120;
            }

            connections[i] = new PublisherConnection(new MqttClient(options), figures, perDevice ? 64 : 8192);
        }

        var connected = 0;
        Exception? firstError = null;
        await Parallel.ForEachAsync(connections, new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken }, async (connection, token) =>
        {
            try
            {
                await connection.ConnectAsync(token).ConfigureAwait(false);
                figures.SetConnections(Interlocked.Increment(ref connected));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                figures.AddError();
                Interlocked.CompareExchange(ref firstError, e, null);
            }
        }).ConfigureAwait(false);

        if (connected == 0)
        {
            throw new InvalidOperationException($"no connection to the broker {template.Host}:{template.Port} could be opened: {firstError?.Message}", firstError);
        }

        Dictionary<string, int>? byKey = null;
        if (perDevice)
        {
            byKey = new Dictionary<string, int>(clientKeys.Count, StringComparer.Ordinal);
            for (var i = 0; i < clientKeys.Count; i++)
            {
                byKey[clientKeys[i]] = i;
            }
        }

        return new PublisherPool(connections, byKey);
    }

    /// <summary>The connection a device (or vehicle) publishes on: its own, or the one its id hashes to.</summary>
    public PublisherConnection For(string clientKey)
    {
        if (_byClientKey is not null)
        {
            return _connections[_byClientKey[clientKey]];
        }

        return _connections[(int)(Payloads.NormalReadings.StableHash(clientKey) % (uint)_connections.Length)];
    }

    public async Task DrainAsync(TimeSpan timeout) =>
        await Task.WhenAll(_connections.Select(c => c.DrainAsync(timeout))).ConfigureAwait(false);

    public async Task CloseAsync() =>
        await Parallel.ForEachAsync(_connections, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (connection, _) =>
            await connection.CloseAsync().ConfigureAwait(false)).ConfigureAwait(false);

    private static MqttClientOptions Copy(MqttClientOptions template) => new()
    {
        Host = template.Host,
        Port = template.Port,
        ProtocolVersion = template.ProtocolVersion,
        Username = template.Username,
        Password = template.Password,
        Tls = template.Tls,
        KeepAliveSeconds = template.KeepAliveSeconds,
        ConnectTimeout = template.ConnectTimeout,
    };
}
