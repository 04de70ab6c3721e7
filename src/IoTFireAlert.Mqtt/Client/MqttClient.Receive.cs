using System.Buffers;
using System.Text;
using IoTFireAlert.Mqtt.Packets;
using IoTFireAlert.Mqtt.V3;
using IoTFireAlert.Mqtt.V5;

namespace IoTFireAlert.Mqtt;

public sealed partial class MqttClient
{
    /// <summary>
    /// Parses every complete packet of each read before reading again. Back-pressure: when
    /// the inbound channel or the acknowledgement ring is full, this loop waits and does not
    /// call ReadAsync, so the socket's receive window closes and the broker queues for us.
    /// </summary>
    private async Task ReceiveLoopAsync(MqttConnection connection)
    {
        var reader = connection.Reader;
        var token = connection.Token;
        var limit = _options.MaximumPacketSize;
        byte[]? scratch = null;

        // Bytes of an oversize PUBLISH still to discard: they are dropped as they arrive, so a
        // huge packet never sits in memory whole.
        long skip = 0;
        try
        {
            while (true)
            {
                var read = await reader.ReadAsync(token).ConfigureAwait(false);
                var buffer = read.Buffer;
                connection.LastReceived = Environment.TickCount64;
                Discard(ref buffer, ref skip);

                while (skip == 0 && MqttFrameScanner.TryScanHeader(buffer, out var frame) == OperationStatus.Done)
                {
                    var isPublish = frame.Type == MqttPacketType.Publish;
                    if (frame.TotalLength > limit)
                    {
                        if (!isPublish || _options.ProtocolVersion == MqttProtocolVersion.V500)
                        {
                            throw new MqttProtocolException(OversizeReason(frame, limit), MqttReasonCode.PacketTooLarge);
                        }

                        // 3.1.1 cannot tell the broker our limit, so closing would only bring the
                        // same message back on the next connection of a persistent session:
                        // acknowledge it, report it, read past it.
                        if ((frame.Flags & 0x06) != 0 && _ackQueue.IsFull)
                        {
                            await WaitForAckSpaceAsync(token).ConfigureAwait(false);
                        }

                        if (!TryDiscardOversize(buffer, frame, limit, ref scratch))
                        {
                            break;
                        }

                        skip = frame.TotalLength;
                        Discard(ref buffer, ref skip);
                        continue;
                    }

                    if (buffer.Length < frame.TotalLength)
                    {
                        break;
                    }

                    var packet = buffer.Slice(0, frame.TotalLength);
                    if (isPublish && (frame.Flags & 0x06) != 0 && _ackQueue.IsFull)
                    {
                        await WaitForAckSpaceAsync(token).ConfigureAwait(false);
                    }

                    var copied = packet.IsSingleSegment ? null : CopyBody(packet, frame, ref scratch);
                    var message = Handle(connection, frame, packet, copied, out var produced);
                    buffer = buffer.Slice(frame.TotalLength);
                    if (produced)
                    {
                        while (!_inbound.Writer.TryWrite(message))
                        {
                            if (!await _inbound.Writer.WaitToWriteAsync(token).ConfigureAwait(false))
                            {
                                message.Dispose();
                                return;
                            }
                        }
                    }
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (read.IsCompleted)
                {
                    connection.Abort(new IOException("The broker closed the connection."));
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (MqttProtocolException e)
        {
            connection.Abort(e);
            await TrySendDisconnectAsync(connection, e.ReasonCode).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            connection.Abort(e);
        }
    }

    /// <summary>Drops what has arrived of the <paramref name="skip"/> bytes still to discard.</summary>
    private static void Discard(ref ReadOnlySequence<byte> buffer, ref long skip)
    {
        var discarded = Math.Min(skip, buffer.Length);
        buffer = buffer.Slice(discarded);
        skip -= discarded;
    }

    private async ValueTask WaitForAckSpaceAsync(CancellationToken token)
    {
        while (_ackQueue.IsFull)
        {
            // Every slot holds a message the application has not acknowledged yet.
            await _ackSpace.WaitAsync().ConfigureAwait(false);
            token.ThrowIfCancellationRequested();
        }
    }

    private static string OversizeReason(MqttFrame frame, int limit) => frame.Type == MqttPacketType.Publish
        ? $"A PUBLISH of {frame.TotalLength} bytes exceeds MaximumPacketSize {limit}, which the broker was given in CONNECT (5 §3.1.2.11.4: a protocol error)."
        : $"A {frame.Type} packet of {frame.TotalLength} bytes exceeds MaximumPacketSize {limit}.";

    /// <summary>
    /// Decodes the topic and packet id of an oversize 3.1.1 PUBLISH (at most 65,541 bytes of body,
    /// whatever the packet's size), acknowledges it in its place in the receive order (§4.6) and
    /// reports it; false until those bytes have all arrived. The caller discards the rest.
    /// </summary>
    private bool TryDiscardOversize(in ReadOnlySequence<byte> buffer, MqttFrame frame, int limit, ref byte[]? scratch)
    {
        if (buffer.Length < frame.HeaderLength + 2)
        {
            return false;
        }

        Span<byte> topicLength = stackalloc byte[2];
        buffer.Slice(frame.HeaderLength, 2).CopyTo(topicLength);
        var needed = 2 + System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(topicLength) + ((frame.Flags & 0x06) != 0 ? 2 : 0);

        // A body shorter than its own variable header is malformed; the decoder says so below.
        needed = Math.Min(needed, frame.BodyLength);
        if (buffer.Length < frame.HeaderLength + needed)
        {
            return false;
        }

        if (scratch is null || scratch.Length < needed)
        {
            scratch = new byte[(int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(needed, 4096))];
        }

        buffer.Slice(frame.HeaderLength, needed).CopyTo(scratch);
        var publish = MqttV3Decoder.DecodePublish(frame.Header, scratch.AsSpan(0, needed));
        if (publish.QoS != MqttQualityOfService.AtMostOnce)
        {
            _ackQueue.MarkAcknowledged(_ackQueue.Append(publish.PacketId, publish.QoS));
            _sendSignal.Set();
        }

        Interlocked.Increment(ref _oversizeDiscarded);
        var report = new MqttOversizeMessageEventArgs(Encoding.UTF8.GetString(publish.Topic), frame.TotalLength, limit, publish.QoS, publish.Dup);
        try
        {
            OversizeMessageDiscarded?.Invoke(this, report);
        }
        catch (Exception)
        {
            // A faulty handler must not take the connection down with it.
        }

        return true;
    }

    private static byte[] CopyBody(in ReadOnlySequence<byte> packet, MqttFrame frame, ref byte[]? scratch)
    {
        if (scratch is null || scratch.Length < frame.BodyLength)
        {
            scratch = new byte[(int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(frame.BodyLength, 4096))];
        }

        packet.Slice(frame.HeaderLength).CopyTo(scratch);
        return scratch;
    }

    /// <summary>One packet; returns a message for the channel when it is a PUBLISH.</summary>
    private MqttInboundMessage Handle(MqttConnection connection, MqttFrame frame, in ReadOnlySequence<byte> packet, byte[]? copied, out bool produced)
    {
        produced = false;
        var body = copied is null ? packet.FirstSpan.Slice(frame.HeaderLength, frame.BodyLength) : copied.AsSpan(0, frame.BodyLength);
        var v5 = _options.ProtocolVersion == MqttProtocolVersion.V500;
        switch (frame.Type)
        {
            case MqttPacketType.Publish:
                produced = true;
                return Receive(connection, v5 ? MqttV5Decoder.DecodePublish(frame.Header, body) : MqttV3Decoder.DecodePublish(frame.Header, body));
            case MqttPacketType.PubAck or MqttPacketType.PubRec or MqttPacketType.PubRel or MqttPacketType.PubComp:
                OnAck(v5 ? MqttV5Decoder.DecodeAck(frame.Header, body) : MqttV3Decoder.DecodeAck(frame.Header, body), body);
                break;
            case MqttPacketType.SubAck or MqttPacketType.UnsubAck:
                {
                    var reply = MqttPacketFormatter.Decode(frame, body, _options.ProtocolVersion);
                    var id = reply is MqttSubAckPacket s ? s.PacketId : ((MqttUnsubAckPacket)reply).PacketId;
                    if (InFlightAt(id) is MqttPendingRequest request && Interlocked.CompareExchange(ref _inFlight[id], null, request) == request)
                    {
                        request.Reply.TrySetResult(reply);
                    }

                    break;
                }

            case MqttPacketType.PingResp:
                MqttFixedHeaderRules.CheckFlags(frame.Header);
                MqttFixedHeaderRules.CheckEmpty(frame.BodyLength, frame.Type);
                break;
            case MqttPacketType.Disconnect when v5:
                {
                    var disconnect = (MqttDisconnectPacket)MqttPacketFormatter.Decode(frame, body, _options.ProtocolVersion);
                    throw new MqttProtocolException(
                        $"The broker disconnected: {disconnect.ReasonCode}{(disconnect.Properties?.ReasonString is { } why ? ": " + why : "")}",
                        disconnect.ReasonCode);
                }

            default:
                throw new MqttProtocolException($"A client does not expect {frame.Type} here.", MqttReasonCode.ProtocolError);
        }

        return default;
    }

    private MqttInboundMessage Receive(MqttConnection connection, MqttPublishView publish)
    {
        var topic = publish.Topic;
        if (!publish.Properties.IsEmpty && connection.TopicAliases is { } aliases)
        {
            topic = ResolveTopicAlias(aliases, publish);
        }
        else if (topic.IsEmpty)
        {
            throw new MqttProtocolException("Empty topic without a Topic Alias (5 §3.3.2.1).", MqttReasonCode.ProtocolError);
        }

        var properties = publish.Properties;
        var buffer = _pool.Rent(topic.Length + properties.Length + publish.Payload.Length);
        var target = buffer.Array.AsSpan();
        topic.CopyTo(target);
        properties.CopyTo(target[topic.Length..]);
        publish.Payload.CopyTo(target[(topic.Length + properties.Length)..]);
        var sequence = publish.QoS == MqttQualityOfService.AtMostOnce ? -1 : _ackQueue.Append(publish.PacketId, publish.QoS);
        Interlocked.Increment(ref _received);
        return new MqttInboundMessage(_pool, buffer, topic.Length, properties.Length, publish.Payload.Length, publish.Flags, publish.PacketId, connection.Generation, sequence);
    }

    /// <summary>5 §3.3.2.3.4: an alias with a topic (re)defines it, an alias with an empty topic uses it.</summary>
    private static ReadOnlySpan<byte> ResolveTopicAlias(byte[]?[] aliases, MqttPublishView publish)
    {
        var reader = new MqttV5PropertiesReader(publish.Properties);
        while (reader.TryReadNext(out var id, out var integer, out _, out _))
        {
            if (id != MqttPropertyId.TopicAlias)
            {
                continue;
            }

            if (integer == 0 || integer >= aliases.Length)
            {
                throw new MqttProtocolException($"Topic Alias {integer} outside 1..{aliases.Length - 1}.", MqttReasonCode.TopicAliasInvalid);
            }

            if (!publish.Topic.IsEmpty)
            {
                // Only reallocate when the alias is redefined to a different topic.
                if (aliases[integer] is not { } known || !known.AsSpan().SequenceEqual(publish.Topic))
                {
                    aliases[integer] = publish.Topic.ToArray();
                }

                return publish.Topic;
            }

            return aliases[integer] ?? throw new MqttProtocolException($"Topic Alias {integer} was never defined.", MqttReasonCode.ProtocolError);
        }

        if (publish.Topic.IsEmpty)
        {
            throw new MqttProtocolException("Empty topic without a Topic Alias (5 §3.3.2.1).", MqttReasonCode.ProtocolError);
        }

        return publish.Topic;
    }

    private void OnAck(MqttAckView ack, ReadOnlySpan<byte> body)
    {
        switch (ack.Type)
        {
            case MqttPacketType.PubRel:
                // Inbound QoS 2, second half: the application already had the message at PUBLISH.
                _protocolAcks.Enqueue(new MqttAckView(MqttPacketType.PubComp, ack.PacketId, MqttReasonCode.Success));
                _sendSignal.Set();
                return;
            case MqttPacketType.PubRec:
                if (InFlightAt(ack.PacketId) is MqttPendingPublish awaitingRec && awaitingRec.State == MqttOutboundState.AwaitingPubRec)
                {
                    if ((byte)ack.ReasonCode >= 0x80)
                    {
                        // 5 §4.3.3: a failed PUBREC ends the exchange; no PUBREL.
                        Finish(awaitingRec, ack, body);
                        return;
                    }

                    awaitingRec.State = MqttOutboundState.AwaitingPubComp;
                }

                // Also answer an unknown id (5 §4.3.3: PUBREL "Packet Identifier not found" is the broker's to give).
                _protocolAcks.Enqueue(new MqttAckView(MqttPacketType.PubRel, ack.PacketId, MqttReasonCode.Success));
                _sendSignal.Set();
                return;
            default:
                {
                    var expected = ack.Type == MqttPacketType.PubAck ? MqttOutboundState.AwaitingPubAck : MqttOutboundState.AwaitingPubComp;
                    if (InFlightAt(ack.PacketId) is MqttPendingPublish pending && pending.State == expected)
                    {
                        Finish(pending, ack, body);
                    }

                    // An ack for an id we do not hold (a duplicate after reconnect) is ignored.
                    return;
                }
        }
    }

    private void Finish(MqttPendingPublish pending, MqttAckView ack, ReadOnlySpan<byte> body)
    {
        if (Interlocked.CompareExchange(ref _inFlight[ack.PacketId], null, pending) != pending)
        {
            return;
        }

        _outboundWindow.Release();
        if ((byte)ack.ReasonCode >= 0x80)
        {
            string? reason = null;
            if (_options.ProtocolVersion == MqttProtocolVersion.V500)
            {
                reason = (MqttV5Decoder.Decode((byte)(((byte)ack.Type << 4) | (ack.Type == MqttPacketType.PubRel ? 2 : 0)), body) as MqttAcknowledgementPacket)?.Properties?.ReasonString;
            }

            pending.Fail(new MqttPublishException(ack.ReasonCode, reason));
        }
        else
        {
            pending.Complete();
        }
    }
}
