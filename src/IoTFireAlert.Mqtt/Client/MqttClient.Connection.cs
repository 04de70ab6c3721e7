using System.Buffers;
using System.Text;
using IoTFireAlert.Mqtt.Packets;
using IoTFireAlert.Mqtt.Transport;
using IoTFireAlert.Mqtt.V5;

namespace IoTFireAlert.Mqtt;

public sealed partial class MqttClient
{
    /// <summary>
    /// Connects once; throws <see cref="MqttConnectException"/> with the broker's reason code when
    /// refused, or the transport's exception. After success, a lost connection is re-established
    /// in the background (see <see cref="MqttClientOptions.Reconnect"/>).
    /// </summary>
    public async Task<MqttConnectResult> ConnectAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if (_supervisor is not null)
        {
            throw new InvalidOperationException("The client is already connected; it reconnects by itself.");
        }

        SetState(MqttConnectionState.Connecting);
        try
        {
            var (connection, result) = await EstablishAsync(cancellationToken).ConfigureAwait(false);
            _supervisor = SuperviseAsync(connection, result);
            return result;
        }
        catch (Exception e)
        {
            SetState(MqttConnectionState.Disconnected, e);
            throw;
        }
    }

    /// <summary>Sends DISCONNECT (the broker then discards the will), stops reconnecting and completes <see cref="Messages"/>.</summary>
    public async Task DisconnectAsync(CancellationToken cancellationToken = default)
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        var connection = _connection;
        if (connection is not null && _connected)
        {
            connection.DisconnectRequested = true;
            _sendSignal.Set();
        }
        else
        {
            connection?.Abort(null);
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        if (_supervisor is not null)
        {
            try
            {
                await _supervisor.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
        }

        Shutdown();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await DisconnectAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _connection?.Abort(null);
        }

        Shutdown();
        _lifetime.Dispose();
    }

    private void Shutdown()
    {
        if (_inbound.Writer.TryComplete())
        {
            var closed = new InvalidOperationException("The MQTT client closed before the broker acknowledged the publication.");
            while (_outbound.TryDequeue(out var pending))
            {
                if (pending.QoS == MqttQualityOfService.AtMostOnce)
                {
                    pending.Recycle();
                }
            }

            for (var i = 1; i < _inFlight.Length; i++)
            {
                switch (Interlocked.Exchange(ref _inFlight[i], null))
                {
                    case MqttPendingPublish p:
                        p.Fail(closed);
                        break;
                    case MqttPendingRequest r:
                        r.Reply.TrySetException(closed);
                        break;
                    default:
                        break;
                }
            }

            SetState(MqttConnectionState.Closed);
        }
    }

    /// <summary>Runs connections one after another until the client closes; reconnects with back-off.</summary>
    private async Task SuperviseAsync(MqttConnection connection, MqttConnectResult result)
    {
        while (true)
        {
            var error = await RunConnectionAsync(connection, result).ConfigureAwait(false);
            if (_closed)
            {
                return;
            }

            var reconnect = _options.Reconnect;
            if (reconnect is null)
            {
                SetState(MqttConnectionState.Disconnected, error);
                return;
            }

            SetState(MqttConnectionState.Reconnecting, error);
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    await Task.Delay(reconnect.Delay(attempt), _lifetime.Token).ConfigureAwait(false);
                    (connection, result) = await EstablishAsync(_lifetime.Token).ConfigureAwait(false);
                    break;
                }
                catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    SetState(MqttConnectionState.Reconnecting, e);
                }
            }
        }
    }

    private async Task<Exception?> RunConnectionAsync(MqttConnection connection, MqttConnectResult result)
    {
        _connection = connection;
        var receive = ReceiveLoopAsync(connection);
        var send = SendLoopAsync(connection);
        var keepAlive = KeepAliveLoopAsync(connection);
        _connected = true;
        SetState(MqttConnectionState.Connected, null, result);
        await Task.WhenAny(receive, send).ConfigureAwait(false);
        _connected = false;

        // From here on an acknowledgement of this connection's messages is refused: their
        // packet ids die with it and the broker will redeliver them (§4.4).
        Volatile.Write(ref _currentGeneration, -1);
        connection.Abort(null);
        _sendSignal.Set();
        _ackSpace.Set();
        await Task.WhenAll(receive, send, keepAlive).ConfigureAwait(false);
        await connection.DisposeAsync().ConfigureAwait(false);
        return connection.Error;
    }

    /// <summary>Transport, CONNECT, CONNACK; then the session is restored (§4.4) before the loops start.</summary>
    private async Task<(MqttConnection Connection, MqttConnectResult Result)> EstablishAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ConnectTimeout);
        var stream = await MqttTransport.ConnectAsync(_options, timeout.Token).ConfigureAwait(false);
        var connection = new MqttConnection(stream, Interlocked.Increment(ref _generation), Math.Max(4096, Math.Min(_options.MaximumPacketSize, 64 * 1024)));
        try
        {
            MqttPacketFormatter.Encode(BuildConnect(), _options.ProtocolVersion, connection.Writer);
            await connection.Writer.FlushAsync(timeout.Token).ConfigureAwait(false);
            var connAck = await ReadConnAckAsync(connection, timeout.Token).ConfigureAwait(false);
            var properties = connAck.Properties;
            if ((byte)connAck.ReasonCode >= 0x80)
            {
                throw new MqttConnectException(connAck.ReasonCode, properties?.ReasonString);
            }

            if (properties?.AssignedClientIdentifier is { } assigned)
            {
                _clientId = assigned;
            }

            var result = new MqttConnectResult
            {
                SessionPresent = connAck.SessionPresent,
                ReasonCode = connAck.ReasonCode,
                ReasonString = properties?.ReasonString,
                ClientId = _clientId,
                KeepAliveSeconds = properties?.ServerKeepAlive ?? _options.KeepAliveSeconds,
                BrokerReceiveMaximum = properties?.ReceiveMaximum ?? 65535,
                BrokerMaximumPacketSize = properties?.MaximumPacketSize,
                MaximumQoS = (MqttQualityOfService)(properties?.MaximumQoS ?? 2),
                RetainAvailable = (properties?.RetainAvailable ?? 1) == 1,
                SharedSubscriptionAvailable = (properties?.SharedSubscriptionAvailable ?? 1) == 1,
                SessionExpirySeconds = properties?.SessionExpiryInterval,
                UserProperties = properties?.UserProperties ?? [],
            };
            connection.KeepAliveSeconds = result.KeepAliveSeconds;
            connection.BrokerMaximumPacketSize = (int)Math.Min(int.MaxValue, result.BrokerMaximumPacketSize ?? int.MaxValue);
            if (_options.ProtocolVersion == MqttProtocolVersion.V500 && _options.TopicAliasMaximum > 0)
            {
                connection.TopicAliases = new byte[]?[_options.TopicAliasMaximum + 1];
            }

            _outboundWindow.Resize(Math.Min(Math.Min(_options.MaximumOutboundInFlight, 65000), result.BrokerReceiveMaximum));
            _ackQueue.Reset();
            Volatile.Write(ref _currentGeneration, connection.Generation);
            RestoreSession(connection, result.SessionPresent);
            await connection.Writer.FlushAsync(timeout.Token).ConfigureAwait(false);
            return (connection, result);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private MqttConnectPacket BuildConnect()
    {
        var v5 = _options.ProtocolVersion == MqttProtocolVersion.V500;
        var will = _options.Will;
        var connect = new MqttConnectPacket
        {
            ProtocolVersion = _options.ProtocolVersion,
            ClientId = _clientId,
            CleanStart = _options.CleanStart,
            KeepAliveSeconds = _options.KeepAliveSeconds,
            Username = _options.Username,
            Password = _options.Password is null ? null : Encoding.UTF8.GetBytes(_options.Password),
            WillTopic = will?.Topic,
            WillPayload = will?.Payload.ToArray(),
            WillQoS = will?.QoS ?? MqttQualityOfService.AtMostOnce,
            WillRetain = will?.Retain ?? false,
        };

        // An MQTT 5 reconnect never asks for a clean start: that would throw away the session
        // (queued messages, subscriptions) it means to resume; Session Expiry decides its life.
        // 3.1.1 has no expiry, so there Clean Session keeps the configured meaning.
        if (v5 && Volatile.Read(ref _generation) > 1)
        {
            connect.CleanStart = false;
        }

        if (v5)
        {
            connect.Properties = new MqttProperties
            {
                SessionExpiryInterval = _options.SessionExpirySeconds == 0 ? null : _options.SessionExpirySeconds,
                ReceiveMaximum = _options.ReceiveMaximum,
                MaximumPacketSize = (uint)_options.MaximumPacketSize,
                TopicAliasMaximum = _options.TopicAliasMaximum == 0 ? null : _options.TopicAliasMaximum,
                UserProperties = _options.ConnectUserProperties?.ToList(),
            };
            if (will is not null)
            {
                connect.WillProperties = new MqttProperties
                {
                    WillDelayInterval = will.DelaySeconds,
                    MessageExpiryInterval = will.MessageExpirySeconds,
                    UserProperties = will.UserProperties?.ToList(),
                };
            }
        }

        return connect;
    }

    private async Task<MqttConnAckPacket> ReadConnAckAsync(MqttConnection connection, CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await connection.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = read.Buffer;
            if (MqttFrameScanner.TryScan(buffer, _options.MaximumPacketSize, out var frame) == OperationStatus.Done)
            {
                var body = buffer.Slice(frame.HeaderLength, frame.BodyLength).ToArray();
                connection.Reader.AdvanceTo(buffer.GetPosition(frame.TotalLength));
                if (frame.Type != MqttPacketType.ConnAck)
                {
                    throw new MqttProtocolException($"Expected CONNACK, got {frame.Type} (§3.2).", MqttReasonCode.ProtocolError);
                }

                return (MqttConnAckPacket)MqttPacketFormatter.Decode(frame, body, _options.ProtocolVersion);
            }

            if (read.IsCompleted)
            {
                throw new IOException("The broker closed the connection before CONNACK (a 3.1.1 broker does this to a 5.0 CONNECT, among others).");
            }

            connection.Reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>
    /// §4.4: resend unacknowledged PUBLISH with DUP and PUBREL for those past PUBREC, in the
    /// original order; resend outstanding SUBSCRIBE/UNSUBSCRIBE; re-subscribe when the broker
    /// has no session for us. Runs before the loops start, so it owns the writer.
    /// </summary>
    private void RestoreSession(MqttConnection connection, bool sessionPresent)
    {
        var version = _options.ProtocolVersion;
        List<MqttPendingPublish>? resend = null;
        for (var i = 1; i < _inFlight.Length; i++)
        {
            switch (Volatile.Read(ref _inFlight[i]))
            {
                case MqttPendingPublish p when p.Sent:
                    (resend ??= []).Add(p);
                    break;
                case MqttPendingRequest r:
                    MqttPacketFormatter.Encode(r.Packet, version, connection.Writer);
                    break;
                default:
                    break;
            }
        }

        if (!sessionPresent)
        {
            List<MqttSubscription> all;
            lock (_subscriptions)
            {
                all = [.. _subscriptions];
            }

            if (all.Count > 0)
            {
                var packet = new MqttSubscribePacket { Subscriptions = all };
                var request = new MqttPendingRequest(packet);
                packet.PacketId = AllocatePacketId(request);
                MqttPacketFormatter.Encode(packet, version, connection.Writer);
            }
        }

        if (resend is null)
        {
            return;
        }

        resend.Sort(static (a, b) => a.Order.CompareTo(b.Order));
        foreach (var p in resend)
        {
            if (p.State == MqttOutboundState.AwaitingPubComp)
            {
                if (sessionPresent)
                {
                    WriteAck(connection, MqttPacketType.PubRel, p.PacketId);
                }
                else if (Interlocked.CompareExchange(ref _inFlight[p.PacketId], null, p) == p)
                {
                    // The broker already owned it (PUBREC came back); without a session there is nothing to release.
                    _outboundWindow.Release();
                    p.Complete();
                }
            }
            else
            {
                WritePublish(connection, p, dup: true);
            }
        }
    }

    private void WritePublish(MqttConnection connection, MqttPendingPublish p, bool dup)
    {
        if (_options.ProtocolVersion == MqttProtocolVersion.V500)
        {
            MqttV5Encoder.WritePublish(connection.Writer, p.Topic, p.Payload, p.QoS, p.Retain, dup && p.QoS != MqttQualityOfService.AtMostOnce, p.PacketId, p.Properties);
        }
        else
        {
            V3.MqttV3Encoder.WritePublish(connection.Writer, p.Topic, p.Payload, p.QoS, p.Retain, dup && p.QoS != MqttQualityOfService.AtMostOnce, p.PacketId);
        }

        p.Sent = true;
    }

    private void WriteAck(MqttConnection connection, MqttPacketType type, ushort packetId)
    {
        if (_options.ProtocolVersion == MqttProtocolVersion.V500)
        {
            MqttV5Encoder.WriteAck(connection.Writer, type, packetId);
        }
        else
        {
            V3.MqttV3Encoder.WriteAck(connection.Writer, type, packetId);
        }
    }
}
