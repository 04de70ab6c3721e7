using IoTFireAlert.Mqtt.Packets;
using IoTFireAlert.Mqtt.V5;

namespace IoTFireAlert.Mqtt;

public sealed partial class MqttClient
{
    /// <summary>Publications written per flush at most, so acknowledgements are not starved behind a long queue.</summary>
    private const int PublishBatch = 2048;

    /// <summary>
    /// The only writer of the socket. Each wake-up drains everything that accumulated
    /// (protocol acks, control packets, in-order inbound acks, queued publications) into the
    /// pipe and flushes once: one system call for many packets.
    /// </summary>
    private async Task SendLoopAsync(MqttConnection connection)
    {
        var writer = connection.Writer;
        var token = connection.Token;

        // The previous connection's loop may have consumed a wake-up for work it never did
        // (publications queued while the broker was away): start with a drain.
        _sendSignal.Set();
        try
        {
            while (!token.IsCancellationRequested)
            {
                await _sendSignal.WaitAsync().ConfigureAwait(false);
                if (token.IsCancellationRequested)
                {
                    return;
                }

                var wrote = false;
                while (_protocolAcks.TryDequeue(out var ack))
                {
                    WriteAck(connection, ack.Type, ack.PacketId);
                    wrote = true;
                }

                while (_controlPackets.TryDequeue(out var control))
                {
                    MqttPacketFormatter.Encode(control, _options.ProtocolVersion, writer);
                    wrote = true;
                }

                var wasFull = _ackQueue.IsFull;
                var acked = 0;
                while (_ackQueue.TryDequeueAcknowledged(out var packetId, out var qos))
                {
                    WriteAck(connection, qos == MqttQualityOfService.AtLeastOnce ? MqttPacketType.PubAck : MqttPacketType.PubRec, packetId);
                    acked++;
                }

                if (acked > 0)
                {
                    wrote = true;
                    if (wasFull)
                    {
                        _ackSpace.Set();
                    }
                }

                var published = 0;
                var queuedFreed = 0;
                while (published < PublishBatch && _outbound.TryDequeue(out var pending))
                {
                    WritePublish(connection, pending, dup: false);
                    published++;
                    if (pending.QoS == MqttQualityOfService.AtMostOnce)
                    {
                        pending.Recycle();
                        queuedFreed++;
                    }
                }

                _queuedWindow.Release(queuedFreed);

                if (published == PublishBatch)
                {
                    _sendSignal.Set();
                }

                wrote |= published > 0;
                if (connection.PingRequested)
                {
                    connection.PingRequested = false;
                    MqttPacketFormatter.Encode(new MqttPingReqPacket(), _options.ProtocolVersion, writer);
                    wrote = true;
                }

                // Queued publications go out before DISCONNECT: a QoS 0 caller was told "sent" at enqueue.
                if (connection.DisconnectRequested && _outbound.IsEmpty)
                {
                    MqttPacketFormatter.Encode(new MqttDisconnectPacket { ReasonCode = connection.DisconnectReason }, _options.ProtocolVersion, writer);
                    await writer.FlushAsync(token).ConfigureAwait(false);
                    connection.Abort(null);
                    return;
                }

                if (wrote)
                {
                    var flush = await writer.FlushAsync(token).ConfigureAwait(false);
                    connection.LastSent = Environment.TickCount64;
                    if (flush.IsCompleted)
                    {
                        connection.Abort(new IOException("The connection closed while sending."));
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            connection.Abort(e);
        }
    }

    /// <summary>
    /// §3.1.2.10: send PINGREQ when nothing was sent for most of the keep-alive; give the
    /// connection up when nothing arrived for 1.5 times it (the broker's own rule for us).
    /// </summary>
    private async Task KeepAliveLoopAsync(MqttConnection connection)
    {
        var keepAlive = connection.KeepAliveSeconds;
        if (keepAlive == 0)
        {
            return;
        }

        var periodMs = Math.Max(100, keepAlive * 250);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(periodMs));
        try
        {
            while (await timer.WaitForNextTickAsync(connection.Token).ConfigureAwait(false))
            {
                var now = Environment.TickCount64;
                if (now - connection.LastReceived > keepAlive * 1500L)
                {
                    connection.Abort(new TimeoutException($"Nothing received from the broker for 1.5 × keep-alive ({keepAlive} s)."));
                    _sendSignal.Set();
                    return;
                }

                if (now - connection.LastSent >= keepAlive * 750L)
                {
                    connection.PingRequested = true;
                    _sendSignal.Set();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>MQTT 5 §4.13: tell the broker why before closing on a protocol error, if the socket still takes it.</summary>
    private async Task TrySendDisconnectAsync(MqttConnection connection, MqttReasonCode reason)
    {
        if (_options.ProtocolVersion != MqttProtocolVersion.V500)
        {
            return;
        }

        try
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>(16);
            MqttV5Encoder.Encode(new MqttDisconnectPacket { ReasonCode = reason }, buffer);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await connection.Stream.WriteAsync(buffer.WrittenMemory, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Best effort: the connection is going away regardless.
        }
    }
}
