namespace IoTFireAlert.Mqtt;

/// <summary>
/// Received QoS 1/2 messages in receive order, so acknowledgements leave in that order
/// (3.1.1 §4.6: PUBACK/PUBREC in the order the PUBLISH packets arrived) whatever order the
/// application acknowledges them in. A fixed ring: the receive loop appends at the tail,
/// the application marks a slot acknowledged with one compare-exchange, the send loop
/// drains the acknowledged prefix from the head. Each slot word is <c>sequence*2 + acked</c>,
/// so a stale or repeated acknowledgement can never mark a reused slot.
/// </summary>
internal sealed class MqttInboundAckQueue
{
    private const long Empty = -1;
    private readonly long[] _slots;
    private readonly ushort[] _packetIds;
    private readonly byte[] _qos;
    private readonly int _mask;
    private long _head;
    private long _tail;

    public MqttInboundAckQueue(int capacity)
    {
        var size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(capacity, 2));
        _slots = new long[size];
        _packetIds = new ushort[size];
        _qos = new byte[size];
        _mask = size - 1;
        _slots.AsSpan().Fill(Empty);
        Capacity = capacity;
    }

    public int Capacity { get; }

    /// <summary>Messages received and not yet acknowledged on the wire.</summary>
    public int Count => (int)(Volatile.Read(ref _tail) - Volatile.Read(ref _head));

    public bool IsFull => Count >= Capacity;

    /// <summary>Receive loop only. Returns the message's sequence number.</summary>
    public long Append(ushort packetId, MqttQualityOfService qos)
    {
        var sequence = _tail;
        var index = (int)(sequence & _mask);
        _packetIds[index] = packetId;
        _qos[index] = (byte)qos;
        Volatile.Write(ref _slots[index], sequence * 2);
        Volatile.Write(ref _tail, sequence + 1);
        return sequence;
    }

    /// <summary>Any thread. False when the message was already acknowledged or belongs to a reset ring.</summary>
    public bool MarkAcknowledged(long sequence)
    {
        if (sequence < 0)
        {
            return false;
        }

        var index = (int)(sequence & _mask);
        return Interlocked.CompareExchange(ref _slots[index], (sequence * 2) + 1, sequence * 2) == sequence * 2;
    }

    /// <summary>Send loop only: the next acknowledged message at the head, if any.</summary>
    public bool TryDequeueAcknowledged(out ushort packetId, out MqttQualityOfService qos)
    {
        var head = _head;
        if (head < Volatile.Read(ref _tail))
        {
            var index = (int)(head & _mask);
            if (Volatile.Read(ref _slots[index]) == (head * 2) + 1)
            {
                packetId = _packetIds[index];
                qos = (MqttQualityOfService)_qos[index];
                Volatile.Write(ref _slots[index], Empty);
                Volatile.Write(ref _head, head + 1);
                return true;
            }
        }

        packetId = 0;
        qos = default;
        return false;
    }

    /// <summary>
    /// Between connections only (no loop running): forget every unacknowledged message. Their
    /// packet ids belonged to the old connection; the broker redelivers them itself (§4.4), so
    /// acknowledging them on the new connection would ack the wrong message or none.
    /// Sequence numbers keep counting, so tokens from before never match a slot again.
    /// </summary>
    public void Reset()
    {
        _slots.AsSpan().Fill(Empty);
        Volatile.Write(ref _head, _tail);
    }
}
